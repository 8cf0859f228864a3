using System.Text;
using PriceIngest.Grains.Membership;

namespace PriceIngest.Gateway.Routing;

/// <summary>
/// Rendezvous (highest random weight) hashing: a key goes to the silo with the highest
/// hash(silo, key). When a silo joins or leaves, only the keys it wins or held move, and every
/// gateway computes the same owner from the same silo list without talking to the others.
/// </summary>
internal static class Rendezvous
{
    /// <summary>The owner of <paramref name="key"/> among <paramref name="silos"/> (not empty).</summary>
    public static SiloEntry Owner(ulong key, IReadOnlyList<SiloEntry> silos)
    {
        ArgumentOutOfRangeException.ThrowIfZero(silos.Count);
        var best = silos[0];
        var bestScore = Score(best.Id, key);
        for (var i = 1; i < silos.Count; i++)
        {
            var score = Score(silos[i].Id, key);
            if (score > bestScore || (score == bestScore && silos[i].Id.CompareTo(best.Id) > 0))
            {
                (best, bestScore) = (silos[i], score);
            }
        }

        return best;
    }

    /// <summary>Groups lanes by owning silo.</summary>
    public static Dictionary<SiloEntry, List<int>> Group(IEnumerable<int> lanes, IReadOnlyList<SiloEntry> silos)
    {
        var groups = new Dictionary<SiloEntry, List<int>>();
        foreach (var lane in lanes)
        {
            var owner = Owner((ulong)lane, silos);
            if (!groups.TryGetValue(owner, out var list))
            {
                groups[owner] = list = [];
            }

            list.Add(lane);
        }

        return groups;
    }

    /// <summary>A stable 64-bit key of a string (FNV-1a over UTF-8), the same in every process.</summary>
    public static ulong KeyOf(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    private static ulong Score(Guid silo, ulong key)
    {
        Span<byte> bytes = stackalloc byte[16];
        silo.TryWriteBytes(bytes);
        var seed = BitConverter.ToUInt64(bytes) ^ (BitConverter.ToUInt64(bytes[8..]) * 0x9E3779B97F4A7C15UL);
        return Mix(seed ^ Mix(key));
    }

    /// <summary>The splitmix64 finaliser: every input bit affects every output bit.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
