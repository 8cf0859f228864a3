using System.Collections.Frozen;
using PriceIngest.Grains.SampleData;
using PriceIngest.Grains.Services;

namespace PriceIngest.Bench.Data;

/// <summary>
/// The benchmark's ports and regions: <see cref="SampleDataGenerator"/>'s 3-level region tree and
/// its 162 ports for one seed, with each port's root region (the top of its tree).
/// </summary>
public sealed class ReferenceData
{
    public ReferenceData(int seed)
    {
        Regions = SampleDataGenerator.Regions();
        Ports = new SampleDataGenerator(new SampleDataOptions { Seed = seed }).Ports();
        PortIndex = Ports.Select((p, i) => (p.Code, i)).ToFrozenDictionary(x => x.Code, x => (short)x.i, StringComparer.Ordinal);
        var parents = Regions.ToDictionary(r => r.Slug, r => r.Parent, StringComparer.Ordinal);
        RootOf = [.. Ports.Select(p => Root(p.Region, parents))];
        _ancestors = [.. Ports.Select(p => Ancestors(p.Region, parents))];
        Roots = [.. Regions.Where(r => r.Parent is null).Select(r => r.Slug)];
    }

    public IReadOnlyList<RegionRow> Regions { get; }

    public IReadOnlyList<PortRow> Ports { get; }

    public FrozenDictionary<string, short> PortIndex { get; }

    /// <summary>The root region slug of each port, by port index.</summary>
    public IReadOnlyList<string> RootOf { get; }

    /// <summary>Slugs of the regions without a parent.</summary>
    public IReadOnlyList<string> Roots { get; }

    private readonly HashSet<string>[] _ancestors;

    public string Code(short port) => Ports[port].Code;

    /// <summary>The ports a place stands for: a port code, or a region slug (its ports and those of every region below it).</summary>
    public IEnumerable<short> PortsOf(string place)
    {
        for (short p = 0; p < Ports.Count; p++)
        {
            if (Ports[p].Code == place || _ancestors[p].Contains(place))
            {
                yield return p;
            }
        }
    }

    /// <summary>Lanes (origin != destination) between two places.</summary>
    public int LanesBetween(string origin, string destination)
    {
        var origins = PortsOf(origin).ToHashSet();
        var destinations = PortsOf(destination).ToHashSet();
        return (origins.Count * destinations.Count) - origins.Count(destinations.Contains);
    }

    /// <summary>Every lane (origin != destination) between two root regions.</summary>
    public IEnumerable<Lane> LanesBetweenRoots(string origin, string destination)
    {
        for (short o = 0; o < Ports.Count; o++)
        {
            if (RootOf[o] != origin)
            {
                continue;
            }

            for (short d = 0; d < Ports.Count; d++)
            {
                if (d != o && RootOf[d] == destination)
                {
                    yield return new(o, d);
                }
            }
        }
    }

    private static HashSet<string> Ancestors(string slug, Dictionary<string, string?> parents)
    {
        var all = new HashSet<string>(StringComparer.Ordinal) { slug };
        while (parents[slug] is { } parent)
        {
            all.Add(parent);
            slug = parent;
        }

        return all;
    }

    private static string Root(string slug, Dictionary<string, string?> parents)
    {
        while (parents[slug] is { } parent)
        {
            slug = parent;
        }

        return slug;
    }
}
