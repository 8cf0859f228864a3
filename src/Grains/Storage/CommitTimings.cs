namespace PriceIngest.Grains.Storage;

/// <summary>How long each step of a segment commit took (the rest of a batch's time is receiving).</summary>
internal readonly record struct CommitTimings(TimeSpan Copy, TimeSpan Index, TimeSpan Commit);
