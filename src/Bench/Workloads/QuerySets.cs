using PriceIngest.Bench.Contenders;
using PriceIngest.Bench.Data;

namespace PriceIngest.Bench.Workloads;

/// <summary>
/// The benchmarked questions, chosen (seeded) from the base data so that lanes never overlap where
/// "cold" must mean cold:
/// <list type="bullet">
/// <item>cold port-to-port lanes lie inside one root region, cold region pairs are the 12 ordered
/// pairs of different root regions (pairwise disjoint lanes, and none inside one root);</item>
/// <item>warm-up queries of a fresh silo use lanes without any price (which a silo skips without a
/// grain call) and a few lanes with prices inside one root region that no cold query touches (so
/// the code that activates and loads a lane is warm too).</item>
/// </list>
/// </summary>
public sealed class QuerySets
{
    public static readonly DateOnly YearFrom = new(2016, 1, 1);
    public static readonly DateOnly YearTo = new(2016, 12, 31);

    private const int WarmUpLanesWithPrices = 4;

    private readonly ReferenceData _reference;
    private readonly HashSet<Lane> _withPrices;

    public QuerySets(ReferenceData reference, PriceRow[] baseRows, int seed, int coldLifetimes, int coldPortsPerLifetime)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(baseRows);
        _reference = reference;
        var spans = new Dictionary<Lane, (DateOnly First, DateOnly Last)>();
        foreach (var row in baseRows)
        {
            var lane = new Lane(row.Origin, row.Destination);
            spans[lane] = spans.TryGetValue(lane, out var span)
                ? (row.Day < span.First ? row.Day : span.First, row.Day > span.Last ? row.Day : span.Last)
                : (row.Day, row.Day);
        }

        LanesWithPrices = spans.Count;
        _withPrices = [.. spans.Keys];
        LaneDaysHeld = spans.Values.Sum(s => (long)(s.Last.DayNumber - s.First.DayNumber + 1));
        AllLanes = reference.Ports.Count * (reference.Ports.Count - 1);

        var random = new Random(seed);
        var lanes = spans.Keys.OrderBy(l => l.Origin).ThenBy(l => l.Destination).ToArray();
        random.Shuffle(lanes);
        bool SameRoot(Lane l) => reference.RootOf[l.Origin] == reference.RootOf[l.Destination];

        PortWarm = [.. lanes.Where(l => !SameRoot(l)).Take(64).Select((l, i) => Month(reference, l, i % 12))];
        var coldLanes = lanes.Where(SameRoot).ToArray();
        var needed = coldLifetimes * coldPortsPerLifetime;
        if (coldLanes.Length < needed)
        {
            throw new InvalidOperationException($"only {coldLanes.Length} lanes with prices inside one root region; {needed} are needed");
        }

        PortCold = [.. Enumerable.Range(0, coldLifetimes)
            .Select(k => (IReadOnlyList<LookupQuery>)[.. coldLanes.Skip(k * coldPortsPerLifetime).Take(coldPortsPerLifetime).Select((l, i) => Month(reference, l, (i + k) % 12))])];

        var empty = new List<LookupQuery>();
        for (short o = 0; o < reference.Ports.Count && empty.Count < 50; o++)
        {
            for (short d = 0; d < reference.Ports.Count && empty.Count < 50; d++)
            {
                var lane = new Lane(o, d);
                if (o != d && SameRoot(lane) && !spans.ContainsKey(lane))
                {
                    empty.Add(Month(reference, lane, empty.Count % 12));
                }
            }
        }

        // Spare lanes with prices inside one root: no cold port query (they come after those) and no
        // cold region query (those cross roots) touches them.
        WarmUp = [.. empty, .. coldLanes.Skip(needed).Take(WarmUpLanesWithPrices).Select((l, i) => Month(reference, l, i % 12))];
        var roots = reference.Roots;
        RegionCold = [.. roots.SelectMany(o => roots.Where(d => d != o).Select(d => Year(o, d)))];
        RegionAll = [.. roots.SelectMany(o => roots.Select(d => Year(o, d)))];
        RegionWarm =
        [
            Year("china_main", "northern_europe"),
            Year("northern_europe", "china_main"),
            Year("asia_other", "americas"),
            Year("north_europe_main", "asia_other"),
        ];
    }

    /// <summary>Port to port over a month, lanes between different root regions (64).</summary>
    public IReadOnlyList<LookupQuery> PortWarm { get; }

    /// <summary>Port to port over a month on lanes inside one root region: one list per silo lifetime.</summary>
    public IReadOnlyList<IReadOnlyList<LookupQuery>> PortCold { get; }

    /// <summary>Lanes without prices and a few unmeasured lanes with prices, to warm up a fresh silo's code paths without warming any measured lane.</summary>
    public IReadOnlyList<LookupQuery> WarmUp { get; }

    /// <summary>Region to region over 2016, each side a region with sub-regions.</summary>
    public IReadOnlyList<LookupQuery> RegionWarm { get; }

    /// <summary>The 12 ordered pairs of different root regions over 2016 (pairwise disjoint lanes).</summary>
    public IReadOnlyList<LookupQuery> RegionCold { get; }

    /// <summary>All 16 ordered pairs of root regions over 2016: every lane of the data set.</summary>
    public IReadOnlyList<LookupQuery> RegionAll { get; }

    public int LanesWithPrices { get; }

    /// <summary>Σ over lanes with prices of (last day - first day + 1): what lane caches hold (dense by day).</summary>
    public long LaneDaysHeld { get; }

    /// <summary>Every ordered pair of different ports: the lanes the queries of <see cref="RegionAll"/> ask about.</summary>
    public int AllLanes { get; }

    /// <summary>The lanes a query asks about.</summary>
    public int LanesOf(LookupQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return _reference.LanesBetween(query.Origin, query.Destination);
    }

    /// <summary>The lanes with prices a query asks about: the lane grains it activates (a silo skips lanes it knows empty).</summary>
    public int LanesWithPricesOf(LookupQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var origins = _reference.PortsOf(query.Origin).ToHashSet();
        var destinations = _reference.PortsOf(query.Destination).ToHashSet();
        return _withPrices.Count(l => origins.Contains(l.Origin) && destinations.Contains(l.Destination));
    }

    public IEnumerable<LookupQuery> All =>
        PortWarm.Concat(PortCold.SelectMany(q => q)).Concat(WarmUp).Concat(RegionWarm).Concat(RegionCold).Concat(RegionAll);

    private static LookupQuery Month(ReferenceData reference, Lane lane, int month)
    {
        var from = new DateOnly(2016, month + 1, 1);
        return new(LookupKind.PortToPortMonth, reference.Code(lane.Origin), reference.Code(lane.Destination), from, from.AddMonths(1).AddDays(-1));
    }

    private static LookupQuery Year(string origin, string destination) =>
        new(LookupKind.RegionToRegionYear, origin, destination, YearFrom, YearTo);
}
