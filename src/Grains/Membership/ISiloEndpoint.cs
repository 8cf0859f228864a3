namespace PriceIngest.Grains.Membership;

/// <summary>Where gateways reach this silo's gRPC services; known once the server listens.</summary>
public interface ISiloEndpoint
{
    string GrpcAddress { get; }
}
