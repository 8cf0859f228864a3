using Orleans;

namespace PriceIngest.Grains.Batches;

/// <summary>
/// Answer to <see cref="IBatchGrain.StartAsync"/>: either an upload token for the following chunks,
/// or the outcome that already exists for this id (a committed id is never written twice).
/// </summary>
[GenerateSerializer]
[Alias("priceingest.BatchStart")]
public sealed record BatchStart(Guid? UploadToken, BatchOutcome? Existing);
