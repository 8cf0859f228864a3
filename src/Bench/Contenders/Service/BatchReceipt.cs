namespace PriceIngest.Bench.Contenders.Service;

/// <summary>A committed batch's receipt, with when its body was sent and when the answer came (Stopwatch timestamps).</summary>
public sealed record BatchReceipt(long CommitSeq, long Items, long BodySentAt, long AnsweredAt);
