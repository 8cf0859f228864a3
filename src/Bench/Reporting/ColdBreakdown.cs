namespace PriceIngest.Bench.Reporting;

/// <summary>
/// What a cold service lookup waits for (medians over the cold lookups of one kind): the lanes it
/// activates, and the database time and number of the lane-load queries it caused (pg_stat_statements).
/// </summary>
public sealed record ColdBreakdown(string Kind, string Contender, double MedianLanes, double ServiceMs, double LaneLoadDbMs, double LaneLoadQueries);
