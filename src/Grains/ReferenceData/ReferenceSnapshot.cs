using System.Collections.Frozen;
using System.Collections.Immutable;

namespace PriceIngest.Grains.ReferenceData;

/// <summary>
/// An immutable view of ports and regions with every region's transitive port set precomputed,
/// so resolving a place on the read path is one dictionary lookup.
/// </summary>
public sealed class ReferenceSnapshot
{
    private readonly FrozenDictionary<string, ImmutableArray<short>> _portsByPlace;

    public ReferenceSnapshot(IEnumerable<Port> ports, IEnumerable<Region> regions)
    {
        PortsByCode = ports.ToFrozenDictionary(p => p.Code, StringComparer.Ordinal);
        Regions = regions.ToFrozenDictionary(r => r.Slug, StringComparer.Ordinal);
        PortCodes = PortsByCode.GetAlternateLookup<ReadOnlySpan<char>>();

        var children = Regions.Values
            .Where(r => r.ParentSlug is not null)
            .ToLookup(r => r.ParentSlug!, r => r.Slug, StringComparer.Ordinal);
        var portsOfRegion = PortsByCode.Values.ToLookup(p => p.RegionSlug, p => p.Id, StringComparer.Ordinal);

        var places = new Dictionary<string, ImmutableArray<short>>(StringComparer.Ordinal);
        foreach (var region in Regions.Keys)
        {
            var ids = new SortedSet<short>();
            var pending = new Stack<string>([region]);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (pending.TryPop(out var slug))
            {
                // The tree is validated acyclic on upload; `seen` only guards against a corrupt table.
                if (!seen.Add(slug))
                {
                    continue;
                }

                ids.UnionWith(portsOfRegion[slug]);
                foreach (var child in children[slug])
                {
                    pending.Push(child);
                }
            }

            places[region] = [.. ids];
        }

        // A port code wins over a region slug of the same spelling (codes are upper case, slugs lower).
        foreach (var port in PortsByCode.Values)
        {
            places[port.Code] = [port.Id];
        }

        _portsByPlace = places.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public static ReferenceSnapshot Empty { get; } = new([], []);

    public FrozenDictionary<string, Port> PortsByCode { get; }

    /// <summary>Port lookup by a span of the wire text, without allocating a string.</summary>
    public FrozenDictionary<string, Port>.AlternateLookup<ReadOnlySpan<char>> PortCodes { get; }

    public FrozenDictionary<string, Region> Regions { get; }

    /// <summary>The known port codes and region slugs closest to an unknown place.</summary>
    public IReadOnlyList<string> Suggest(string place) =>
        Services.PlaceSuggestions.Closest(place, PortsByCode.Keys.Concat(Regions.Keys));

    /// <summary>The port ids a place stands for (a port, or a region to any depth); false when unknown.</summary>
    public bool TryResolve(string place, out ImmutableArray<short> portIds) => _portsByPlace.TryGetValue(place, out portIds);
}
