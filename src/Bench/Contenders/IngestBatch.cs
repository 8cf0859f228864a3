using PriceIngest.Bench.Data;

namespace PriceIngest.Bench.Contenders;

/// <summary>One batch of prices, prepared (rows and CSV body) before any contender's clock starts.</summary>
public sealed record IngestBatch(string Id, PriceRow[] Rows, byte[] Csv);
