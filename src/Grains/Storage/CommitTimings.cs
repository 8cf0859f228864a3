namespace PriceIngest.Grains.Storage;

/// <summary>How long each step of a segment commit took (the rest of a batch's time is receiving).</summary>
internal readonly record struct CommitTimings(TimeSpan Copy, TimeSpan Index, TimeSpan Commit);

/// <summary>What a commit recorded in the batch's row: its sequence and timestamps, as every silo reads them.</summary>
internal readonly record struct CommittedRecord(long CommitSeq, DateTimeOffset ReceivedAt, DateTimeOffset FinishedAt);
