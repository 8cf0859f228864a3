using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using PriceIngest.Contracts.V1;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Grpc;

/// <summary>The standard health service (as readiness) and server reflection (what a generic gRPC tool sees) of a real silo.</summary>
[Collection("postgres")]
public sealed class GrpcHealthAndReflectionTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Health_watch_hears_serving_then_not_serving_when_the_silo_stops()
    {
        var silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync(), "--Grpc:HealthPollInterval=00:00:01");
        using var channel = GrpcChannel.ForAddress(silo.GrpcAddress);
        using var watch = new Health.HealthClient(channel).Watch(new HealthCheckRequest { Service = IngestService.Descriptor.FullName }, deadline: DateTime.UtcNow.AddSeconds(60));
        var statuses = new List<HealthCheckResponse.Types.ServingStatus>();
        while (await watch.ResponseStream.MoveNext(CancellationToken.None))
        {
            statuses.Add(watch.ResponseStream.Current.Status);
            if (watch.ResponseStream.Current.Status == HealthCheckResponse.Types.ServingStatus.Serving)
            {
                break;
            }
        }

        var stopping = silo.DisposeAsync().AsTask();
        while (await watch.ResponseStream.MoveNext(CancellationToken.None) && statuses[^1] != HealthCheckResponse.Types.ServingStatus.NotServing)
        {
            statuses.Add(watch.ResponseStream.Current.Status);
        }

        await stopping;
        Assert.Contains(HealthCheckResponse.Types.ServingStatus.Serving, statuses);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, statuses[^1]);
    }

    [Fact]
    public async Task Reflection_lists_the_services_and_describes_upload_batch_as_the_contract_does()
    {
        await using var silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync());
        using var channel = GrpcChannel.ForAddress(silo.GrpcAddress);
        using var reflection = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo(deadline: DateTime.UtcNow.AddSeconds(30));

        await reflection.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty });
        Assert.True(await reflection.ResponseStream.MoveNext(CancellationToken.None));
        var services = reflection.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();

        await reflection.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = IngestService.Descriptor.FullName });
        Assert.True(await reflection.ResponseStream.MoveNext(CancellationToken.None));
        var files = reflection.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto.Select(FileDescriptorProto.Parser.ParseFrom).ToList();
        await reflection.RequestStream.CompleteAsync();

        Assert.Contains(IngestService.Descriptor.FullName, services);
        Assert.Contains(PriceService.Descriptor.FullName, services);
        Assert.Contains("grpc.health.v1.Health", services);
        var upload = files.Single(f => f.Name == "priceingest/v1/ingest.proto").Service.Single(s => s.Name == "IngestService").Method.Single(m => m.Name == "UploadBatch");
        Assert.Equal((".priceingest.v1.UploadBatchRequest", ".priceingest.v1.BatchReceipt", true), (upload.InputType, upload.OutputType, upload.ClientStreaming));
    }
}
