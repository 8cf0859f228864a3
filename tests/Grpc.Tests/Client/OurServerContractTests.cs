using PriceIngest.Grpc.Tests.Infrastructure;

namespace PriceIngest.Grpc.Tests.Client;

/// <summary>The client contract against our own server.</summary>
public sealed class OurServerContractTests(EchoServerFixture fixture) : EchoContractTests, IClassFixture<EchoServerFixture>
{
    protected override Uri Address => fixture.Server.Address;
}
