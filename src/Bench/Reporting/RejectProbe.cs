namespace PriceIngest.Bench.Reporting;

/// <summary>
/// The same batch with one invalid item appended, sent to the service: it streams, parses,
/// validates and stages every item, then rejects the batch and writes nothing. Its time is the
/// receive-side cost of an ingest without sort, COPY, index, attach and commit.
/// </summary>
public sealed record RejectProbe(int Items, double Milliseconds);
