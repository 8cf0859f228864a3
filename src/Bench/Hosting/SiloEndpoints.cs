namespace PriceIngest.Bench.Hosting;

/// <summary>A running silo's REST base address and gRPC (h2c) address.</summary>
public sealed record SiloEndpoints(Uri Rest, Uri Grpc);
