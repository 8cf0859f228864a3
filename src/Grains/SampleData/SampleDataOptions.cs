namespace PriceIngest.Grains.SampleData;

/// <summary>Shape of a generated data set. The same seed always gives the same data.</summary>
public sealed record SampleDataOptions
{
    /// <summary>Random seed. Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Number of lanes that get prices. Default 2,000.</summary>
    public int Lanes { get; init; } = 2_000;

    /// <summary>First day of prices. Default 2016-01-01.</summary>
    public DateOnly FirstDay { get; init; } = new(2016, 1, 1);

    /// <summary>Number of days. Default 366 (all of 2016).</summary>
    public int Days { get; init; } = 366;

    /// <summary>Mean prices per lane and day on days that have prices. Default 1.5.</summary>
    public double PricesPerDay { get; init; } = 1.5;

    /// <summary>Share of lane-days that have prices at all. Default 0.6.</summary>
    public double DayCoverage { get; init; } = 0.6;

    /// <summary>Share of prices repeated as an exact duplicate (legal in real data). Default 0.005.</summary>
    public double Duplicates { get; init; } = 0.005;
}
