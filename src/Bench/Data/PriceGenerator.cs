using PriceIngest.Grains.SampleData;

namespace PriceIngest.Bench.Data;

/// <summary>
/// Seeded, reproducible prices from <see cref="SampleDataGenerator"/>: lanes over a year, about
/// <see cref="PricesPerDay"/> prices on each lane-day that has prices, some exact duplicates.
/// </summary>
/// <remarks>
/// A batch uses its own seed (so its lanes and prices differ from the base and from other batches);
/// the generator's ports for that seed are mapped by position onto the benchmark's ports (every
/// seed gives the same areas in the same order, only the invented codes differ), so every row
/// names a known port. Rows come in the generator's order: lane by lane, days ascending.
/// </remarks>
public sealed class PriceGenerator(ReferenceData reference, int seed)
{
    public const double PricesPerDay = 2.3;
    public const double Duplicates = 0.01;
    public const int BaseLanes = 3_000;
    public const double BatchCoverage = 0.4;
    public static readonly DateOnly BaseFirstDay = new(2016, 1, 1);
    public static readonly DateOnly BatchFirstDay = new(2017, 1, 1);
    public const int Days = 366;

    private const double Margin = 1.08;

    /// <summary>Expected rows per lane at a coverage.</summary>
    private static double RowsPerLane(double coverage) => Days * coverage * PricesPerDay * (1 + Duplicates);

    /// <summary>Exactly <paramref name="count"/> prices of 2016 over <see cref="BaseLanes"/> lanes (the last few lanes may get none).</summary>
    public PriceRow[] Base(int count)
    {
        var coverage = Math.Min(1.0, count / (BaseLanes * RowsPerLane(1.0)) * Margin);
        var options = new SampleDataOptions
        {
            Seed = seed, Lanes = BaseLanes, FirstDay = BaseFirstDay, Days = Days,
            PricesPerDay = PricesPerDay, DayCoverage = coverage, Duplicates = Duplicates,
        };
        return Take(options, count);
    }

    /// <summary>Exactly <paramref name="count"/> prices of 2017 for one batch, from its own seed.</summary>
    public PriceRow[] Batch(int count, int batchSeed)
    {
        var lanes = (int)Math.Ceiling(count / RowsPerLane(BatchCoverage) * Margin);
        var options = new SampleDataOptions
        {
            Seed = batchSeed, Lanes = lanes, FirstDay = BatchFirstDay, Days = Days,
            PricesPerDay = PricesPerDay, DayCoverage = BatchCoverage, Duplicates = Duplicates,
        };
        return Take(options, count);
    }

    private PriceRow[] Take(SampleDataOptions options, int count)
    {
        var generator = new SampleDataGenerator(options);
        var ports = generator.Ports();
        if (ports.Count != reference.Ports.Count)
        {
            throw new InvalidOperationException($"seed {options.Seed} gives {ports.Count} ports, the benchmark has {reference.Ports.Count}");
        }

        // Position i of any seed's port list is the same area and region as position i of the benchmark's.
        var index = ports.Select((p, i) => (p.Code, i)).ToDictionary(x => x.Code, x => (short)x.i, StringComparer.Ordinal);
        var rows = new PriceRow[count];
        var n = 0;
        foreach (var (origin, destination, day, price) in generator.Prices())
        {
            rows[n++] = new(index[origin], index[destination], day, price);
            if (n == count)
            {
                return rows;
            }
        }

        throw new InvalidOperationException($"the generator gave only {n} of {count} prices (seed {options.Seed}, {options.Lanes} lanes)");
    }
}
