using System.ComponentModel.DataAnnotations;

namespace PriceIngest.Grains.Rates;

/// <summary>Limits of the read side (configuration section "Rates").</summary>
public sealed class RatesOptions
{
    public const string Section = "Rates";

    /// <summary>Longest date range one query may ask for, in days (both ends included). Default 366.</summary>
    [Range(1, 36_600)]
    public int MaxRangeDays { get; set; } = 366;

    /// <summary>Most lanes one query may fan out to (origin ports x destination ports). Default 250,000.</summary>
    [Range(1, 10_000_000)]
    public int MaxLanes { get; set; } = 250_000;

    /// <summary>
    /// Lanes with prices a starting silo loads (and discards) to compile its cold-read path, beside
    /// the rest of its start; 0 turns the warm-up off. Default 32.
    /// </summary>
    [Range(0, 1_000)]
    public int WarmUpLanes { get; set; } = 32;
}
