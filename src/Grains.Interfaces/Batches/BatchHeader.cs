using Orleans;

namespace PriceIngest.Grains.Batches;

/// <summary>Opens an upload. <paramref name="DeclaredItems"/> is optional and, when given, must match.</summary>
/// <param name="Sender">
/// Kept by a caller across its own attempts at this upload (a gateway's replays); empty for none.
/// A caller starts again only after giving up on its previous attempt, so an upload still open
/// for the same sender is dead: it is dropped rather than refused as a duplicate (see
/// <see cref="IBatchGrain.StartAsync"/>). Orleans can lose a message while a gateway silo stops,
/// and then that attempt's Abort may be lost too.
/// </param>
[GenerateSerializer]
[Alias("priceingest.BatchHeader")]
public sealed record BatchHeader(string BatchId, string? Source, long? DeclaredItems, Guid Sender = default);
