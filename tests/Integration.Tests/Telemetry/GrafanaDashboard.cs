using System.Text.Json;
using System.Text.RegularExpressions;

namespace PriceIngest.Integration.Tests.Telemetry;

/// <summary>The PromQL of a Grafana dashboard file and the metric names it reads.</summary>
public static partial class GrafanaDashboard
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal) { "and", "or", "unless", "bool", "offset", "inf", "nan" };

    /// <summary>Every panel's title with each of its queries.</summary>
    public static List<(string Panel, string Expr)> Queries(string json)
    {
        using var document = JsonDocument.Parse(json);
        var queries = new List<(string, string)>();
        foreach (var panel in document.RootElement.GetProperty("panels").EnumerateArray())
        {
            if (!panel.TryGetProperty("targets", out var targets))
            {
                continue;
            }

            Assert.Equal("prometheus", panel.GetProperty("datasource").GetProperty("uid").GetString());
            foreach (var target in targets.EnumerateArray())
            {
                queries.Add((panel.GetProperty("title").GetString()!, target.GetProperty("expr").GetString()!));
            }
        }

        return queries;
    }

    /// <summary>
    /// The metric names in <paramref name="expr"/>: identifiers left once label matchers, ranges
    /// and groupings are gone, that are not functions (followed by a parenthesis) or keywords.
    /// </summary>
    public static IEnumerable<string> MetricNames(string expr)
    {
        var bare = QuotedString().Replace(expr, "\"\"");
        bare = Matchers().Replace(bare, " ");
        bare = Ranges().Replace(bare, " ");
        bare = Groupings().Replace(bare, " ");
        foreach (Match token in Identifier().Matches(bare))
        {
            var next = bare.AsSpan(token.Index + token.Length).TrimStart();
            if ((next.Length > 0 && next[0] == '(') || Keywords.Contains(token.Value.ToLowerInvariant()))
            {
                continue;
            }

            yield return token.Value;
        }
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex QuotedString();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Groupings();

    [GeneratedRegex(@"(?<![\w$.])[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifier();
}
