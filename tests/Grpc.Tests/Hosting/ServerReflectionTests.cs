using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Reflection.V1;
using PriceIngest.Grpc.Tests.Infrastructure;
using PriceIngest.Grpc.Tests.Protos;
using V1Alpha = Grpc.Reflection.V1Alpha;

namespace PriceIngest.Grpc.Tests.Hosting;

/// <summary>Server reflection, as AddPriceIngestGrpc adds it: tools such as grpcurl list and describe the mapped services.</summary>
public sealed class ServerReflectionTests(EchoServerFixture fixture) : IClassFixture<EchoServerFixture>, IDisposable
{
    private readonly GrpcChannel _channel = fixture.Server.CreateChannel();

    [Fact]
    public async Task Reflection_lists_the_mapped_services()
    {
        using var call = new ServerReflection.ServerReflectionClient(_channel).ServerReflectionInfo(deadline: DateTime.UtcNow.AddSeconds(10));
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty });
        await call.RequestStream.CompleteAsync();

        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();

        Assert.Contains(EchoService.Descriptor.FullName, services);
        Assert.Contains("grpc.health.v1.Health", services);
    }

    [Fact]
    public async Task Reflection_describes_a_service_by_its_symbol_also_on_v1alpha()
    {
        using var call = new V1Alpha.ServerReflection.ServerReflectionClient(_channel).ServerReflectionInfo(deadline: DateTime.UtcNow.AddSeconds(10));
        await call.RequestStream.WriteAsync(new V1Alpha.ServerReflectionRequest { FileContainingSymbol = EchoService.Descriptor.FullName });
        await call.RequestStream.CompleteAsync();

        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var files = call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto.Select(FileDescriptorProto.Parser.ParseFrom).ToList();

        var file = Assert.Single(files, f => f.Name == "interop_test.proto");
        Assert.Contains(file.Service, s => s.Name == "EchoService" && s.Method.Any(m => m.Name == "ClientStream" && m.ClientStreaming));
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    public void Dispose() => _channel.Dispose();
}
