namespace PriceIngest.Bench.Contenders;

/// <summary>
/// The service end to end through one wire protocol: it ingests batches and answers lookups.
/// <see cref="Service.RestServiceContender"/> and <see cref="Service.GrpcServiceContender"/>;
/// every one listed in <see cref="Runs.RunContext.Services"/> is measured in every phase and its
/// answers checked the same way.
/// </summary>
public interface IServiceContender : IIngestContender, ILookupContender
{
    /// <summary>Short name of the wire protocol ("REST", "gRPC").</summary>
    string Transport { get; }

    /// <summary>Points the contender at a freshly (re)started silo.</summary>
    void Connect(Hosting.SiloEndpoints endpoints);
}
