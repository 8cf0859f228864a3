namespace PriceIngest.Bench.Reporting;

/// <summary>
/// How many answers were compared with plain SQL (all equal, or the run would have stopped), and
/// the state after the ingest runs: prices in the service and in the textbook table, and the
/// service's number of segments (partitions of <c>prices</c>).
/// </summary>
public sealed record CheckSummary(
    int DistinctQueries, long AnswersCompared, int PostIngestQueries, long ServicePrices, long TextbookPrices, long Segments, string Truth);
