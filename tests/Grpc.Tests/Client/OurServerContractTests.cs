using Grpc.Core;
using Grpc.Net.Client;
using PriceIngest.Grpc.Tests.Infrastructure;
using PriceIngest.Grpc.Tests.Protos;

namespace PriceIngest.Grpc.Tests.Client;

/// <summary>The client contract against our hosting of Grpc.AspNetCore, and what only our server adds to it.</summary>
public sealed class OurServerContractTests(EchoServerFixture fixture) : EchoContractTests, IClassFixture<EchoServerFixture>
{
    protected override Uri Address => fixture.Server.Address;

    [Fact]
    public async Task Reply_over_the_default_4_MiB_send_limit_is_resource_exhausted_even_for_a_generous_client()
    {
        // New with the official stack: Grpc:MaxSendMessageBytes (default 4 MiB) bounds replies; the
        // old layer's server had no send limit by default, so a 5 MiB reply went out.
        using var generous = GrpcChannel.ForAddress(Address, new GrpcChannelOptions { MaxReceiveMessageSize = 16 * 1024 * 1024 });
        var client = new EchoService.EchoServiceClient(generous);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.UnaryAsync(new EchoRequest { ResponsePayloadSize = 5 * 1024 * 1024 }, In(10)));
        var within = await client.UnaryAsync(new EchoRequest { ResponsePayloadSize = 4 * 1024 * 1024 - 64 }, In(10));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal(4 * 1024 * 1024 - 64, within.Payload.Length);
    }
}
