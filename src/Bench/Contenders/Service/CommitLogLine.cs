using System.Globalization;
using System.Text.RegularExpressions;

namespace PriceIngest.Bench.Contenders.Service;

/// <summary>
/// Reads the phase timings of the silo's commit log line (event 2101), e.g.
/// <c>Batch X committed: 1000000 items, commit 7 (start 0.002 s, receive 0.220 s, sort 0.130 s, copy 0.250 s, brin+attach 0.090 s, commit 0.010 s)</c>.
/// Whatever "name N s" pairs the parentheses hold are returned, in milliseconds.
/// </summary>
internal static partial class CommitLogLine
{
    [GeneratedRegex(@"\((?<phases>[^()]*)\)\s*$")]
    private static partial Regex Tail();

    [GeneratedRegex(@"^(?<name>.+?) (?<seconds>[0-9]+(\.[0-9]+)?) s$")]
    private static partial Regex Pair();

    public static IEnumerable<(string Phase, double Milliseconds)> Phases(string line)
    {
        var tail = Tail().Match(line);
        if (!tail.Success)
        {
            yield break;
        }

        foreach (var part in tail.Groups["phases"].Value.Split(", "))
        {
            var pair = Pair().Match(part.Trim());
            if (pair.Success)
            {
                yield return (pair.Groups["name"].Value, double.Parse(pair.Groups["seconds"].Value, CultureInfo.InvariantCulture) * 1000);
            }
        }
    }
}
