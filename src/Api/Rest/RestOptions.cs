using System.ComponentModel.DataAnnotations;

namespace PriceIngest.Api.Rest;

/// <summary>Limits of the REST front door (configuration section "Rest").</summary>
public sealed class RestOptions
{
    public const string Section = "Rest";

    /// <summary>Largest accepted upload body in bytes. Default 1 GiB (5M CSV items take about 200 MB).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxBatchBodyBytes { get; set; } = 1L << 30;

    /// <summary>Items per chunk handed to the batch grain while a body streams in. Default 8,192.</summary>
    [Range(1, 1_000_000)]
    public int ChunkItems { get; set; } = 8_192;

    /// <summary>Longest date range of one <c>POST /prices</c> (one item per day). Default 3,660 days.</summary>
    [Range(1, 1_000_000)]
    public int MaxPriceRangeDays { get; set; } = 3_660;

    /// <summary>Largest reference-data (ports, regions) body in bytes. Default 16 MiB.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxReferenceBodyBytes { get; set; } = 16 << 20;
}
