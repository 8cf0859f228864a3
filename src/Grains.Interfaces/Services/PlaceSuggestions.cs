namespace PriceIngest.Grains.Services;

/// <summary>
/// The known codes or slugs closest to an unknown one (edit distance at most 2, letter case
/// ignored), for a 404 that helps: "CNSGA" suggests CNSGH. At most three, closest first.
/// </summary>
public static class PlaceSuggestions
{
    private const int MaxDistance = 2;
    private const int MaxSuggestions = 3;

    public static IReadOnlyList<string> Closest(string unknown, IEnumerable<string> known)
    {
        ArgumentNullException.ThrowIfNull(unknown);
        ArgumentNullException.ThrowIfNull(known);
        if (unknown.Length is 0 or > 64)
        {
            return [];
        }

        return [.. known
            .Select(k => (Known: k, Distance: Distance(unknown, k)))
            .Where(c => c.Distance <= MaxDistance)
            .OrderBy(c => c.Distance).ThenBy(c => c.Known, StringComparer.Ordinal)
            .Take(MaxSuggestions)
            .Select(c => c.Known)];
    }

    /// <summary>The words a message appends: "; did you mean 'A' or 'B'?", or nothing.</summary>
    public static string Sentence(IReadOnlyList<string> suggestions)
    {
        ArgumentNullException.ThrowIfNull(suggestions);
        return suggestions.Count == 0 ? string.Empty : $"; did you mean {string.Join(" or ", suggestions.Select(s => $"'{s}'"))}?";
    }

    /// <summary>Levenshtein distance, case-insensitive, giving up (returning more than the limit) early.</summary>
    private static int Distance(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > MaxDistance)
        {
            return MaxDistance + 1;
        }

        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMin = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var same = char.ToUpperInvariant(a[i - 1]) == char.ToUpperInvariant(b[j - 1]);
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + (same ? 0 : 1));
                rowMin = Math.Min(rowMin, current[j]);
            }

            if (rowMin > MaxDistance)
            {
                return MaxDistance + 1;
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
