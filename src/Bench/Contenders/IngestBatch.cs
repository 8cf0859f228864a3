using PriceIngest.Bench.Data;

namespace PriceIngest.Bench.Contenders;

/// <summary>
/// One batch of prices, prepared (rows and CSV body) before any contender's clock starts;
/// <paramref name="Currency"/> names the prices' currency for the service (null: USD).
/// </summary>
public sealed record IngestBatch(string Id, PriceRow[] Rows, byte[] Csv, string? Currency = null);
