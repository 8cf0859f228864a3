namespace PriceIngest.Grains.Membership;

/// <summary>A live silo as a gateway sees it: identity, gRPC endpoint and status.</summary>
public sealed record SiloEntry(Guid Id, string Endpoint, string Status, string Version);
