namespace PriceIngest.Bench.Contenders;

/// <summary>Something that takes a batch of prices in, atomically; timed from first byte to "done" as defined by the contender.</summary>
public interface IIngestContender : IContender
{
    /// <summary>Stable key for JSON and ratios: "a", "a_ids", "b", "c_rest" (a gRPC client of the service would be "c_grpc").</summary>
    string Key { get; }

    Task<IngestTiming> IngestAsync(IngestBatch batch, CancellationToken cancellationToken);
}
