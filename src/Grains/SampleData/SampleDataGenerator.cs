using PriceIngest.Grains.Services;

namespace PriceIngest.Grains.SampleData;

/// <summary>
/// A realistic, reproducible data set: a 3-level region tree (roots, main regions, sub-regions),
/// about 160 ports with UN/LOCODE-style codes, and prices on many lanes over a year with several
/// prices on many lane-days and some exact duplicates. Real codes and slugs of the public
/// ratestask data (CNSGH, NLRTM, china_main, north_europe_main...) are among them.
/// </summary>
public sealed class SampleDataGenerator(SampleDataOptions options)
{
    // root -> main region -> (sub-region or null for ports directly in the main region), country, real ports
    private static readonly (string Root, string Main, string? Sub, string Country, string[] Known)[] Areas =
    [
        ("china_main", "china_east_main", null, "CN", ["CNSGH", "CNNBO", "CNTAO"]),
        ("china_main", "china_south_main", null, "CN", ["CNYTN", "CNSHK", "CNCWN"]),
        ("china_main", "china_north_main", "bohai_bay", "CN", ["CNTXG", "CNDLC"]),
        ("northern_europe", "north_europe_main", "uk_main", "GB", ["GBFXT", "GBSOU"]),
        ("northern_europe", "north_europe_main", null, "NL", ["NLRTM"]),
        ("northern_europe", "north_europe_main", "germany_main", "DE", ["DEHAM", "DEBRV"]),
        ("northern_europe", "north_europe_sub", "uk_sub", "GB", ["GBTIL"]),
        ("northern_europe", "scandinavia", "norway_south_west", "NO", ["NOSVG"]),
        ("northern_europe", "scandinavia", "stockholm_area", "SE", ["SESTO"]),
        ("northern_europe", "baltic", "finland_main", "FI", ["FIHEL", "FIKTK"]),
        ("northern_europe", "baltic", "poland_main", "PL", ["PLGDN"]),
        ("americas", "us_east_coast", "us_north_east", "US", ["USNYC", "USBAL"]),
        ("americas", "us_west_coast", null, "US", ["USLAX", "USOAK"]),
        ("americas", "south_america_east", "brazil_main", "BR", ["BRSSZ", "BRRIG"]),
        ("asia_other", "south_east_asia", "straits", "SG", ["SGSIN"]),
        ("asia_other", "south_east_asia", "vietnam_main", "VN", ["VNSGN", "VNHPH"]),
        ("asia_other", "north_east_asia", "japan_main", "JP", ["JPTYO", "JPUKB"]),
        ("asia_other", "north_east_asia", "korea_main", "KR", ["KRPUS", "KRINC"]),
    ];

    public const int PortsPerArea = 9;

    public static IReadOnlyList<RegionRow> Regions()
    {
        var regions = new Dictionary<string, RegionRow>(StringComparer.Ordinal);
        foreach (var (root, main, sub, _, _) in Areas)
        {
            regions.TryAdd(root, new(root, Title(root), null));
            regions.TryAdd(main, new(main, Title(main), root));
            if (sub is not null)
            {
                regions.TryAdd(sub, new(sub, Title(sub), main));
            }
        }

        return [.. regions.Values];
    }

    public IReadOnlyList<PortRow> Ports()
    {
        var random = new Random(options.Seed);
        var used = Areas.SelectMany(a => a.Known).ToHashSet(StringComparer.Ordinal);
        var ports = new List<PortRow>();
        foreach (var (_, main, sub, country, known) in Areas)
        {
            var region = sub ?? main;
            foreach (var code in known)
            {
                ports.Add(new(code, $"{Title(region)} {code[2..]}", region));
            }

            for (var i = known.Length; i < PortsPerArea; i++)
            {
                string code;
                do
                {
                    code = country + new string([.. Enumerable.Range(0, 3).Select(_ => (char)('A' + random.Next(26)))]);
                }
                while (!used.Add(code));

                // Some generated ports sit in the main region, above the sub-region, as in real data.
                ports.Add(new(code, $"Port {code}", i % 3 == 0 ? main : region));
            }
        }

        return ports;
    }

    /// <summary>Streams the prices (origin, destination, day, price); never materialises them all.</summary>
    public IEnumerable<(string Origin, string Destination, DateOnly Day, int Price)> Prices()
    {
        var ports = Ports();
        var random = new Random(options.Seed + 1);
        // Every pair of the well-known ports first, so the documented examples always have data.
        var known = Areas.SelectMany(a => a.Known).ToHashSet(StringComparer.Ordinal);
        var knownIndexes = Enumerable.Range(0, ports.Count).Where(i => known.Contains(ports[i].Code)).ToList();
        var lanes = new List<(int, int)>();
        var seen = new HashSet<(int, int)>();
        foreach (var origin in knownIndexes)
        {
            foreach (var destination in knownIndexes.Where(d => d != origin && lanes.Count < options.Lanes))
            {
                seen.Add((origin, destination));
                lanes.Add((origin, destination));
            }
        }

        var maxLanes = ports.Count * (ports.Count - 1);
        while (lanes.Count < Math.Min(options.Lanes, maxLanes))
        {
            var origin = random.Next(ports.Count);
            var destination = random.Next(ports.Count);
            if (origin != destination && seen.Add((origin, destination)))
            {
                lanes.Add((origin, destination));
            }
        }

        foreach (var (origin, destination) in lanes)
        {
            var basePrice = 300 + random.Next(4_000);
            for (var day = 0; day < options.Days; day++)
            {
                if (random.NextDouble() >= options.DayCoverage)
                {
                    continue;
                }

                var count = Poisson(random, options.PricesPerDay - 1) + 1;
                for (var i = 0; i < count; i++)
                {
                    var price = Math.Max(1, basePrice + random.Next(-basePrice / 5, (basePrice / 5) + 1));
                    var row = (ports[origin].Code, ports[destination].Code, options.FirstDay.AddDays(day), price);
                    yield return row;
                    if (random.NextDouble() < options.Duplicates)
                    {
                        yield return row;
                    }
                }
            }
        }
    }

    private static int Poisson(Random random, double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }

        var limit = Math.Exp(-mean);
        var k = 0;
        for (var p = random.NextDouble(); p > limit; p *= random.NextDouble())
        {
            k++;
        }

        return k;
    }

    private static string Title(string slug) =>
        string.Join(' ', slug.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
}
