using System.Text.RegularExpressions;
using PriceIngest.Grains.Services;

namespace PriceIngest.Grains.ReferenceData;

/// <summary>Row-level and tree-level checks for reference uploads. Rows are numbered from 1, header excluded.</summary>
internal static partial class ReferenceValidation
{
    [GeneratedRegex("^[A-Z]{2}[A-Z0-9]{3}$")]
    private static partial Regex PortCode();

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,99}$")]
    private static partial Regex RegionSlug();

    public static List<string> CheckRegions(IReadOnlyList<RegionRow> rows, IReadOnlyDictionary<string, string?> existing, bool replace)
    {
        var errors = new List<string>();
        var final = replace ? new Dictionary<string, string?>(StringComparer.Ordinal) : new Dictionary<string, string?>(existing, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (!RegionSlug().IsMatch(row.Slug))
            {
                errors.Add($"row {i + 1}: slug '{row.Slug}' must be 1-100 characters of a-z, 0-9, '_' or '-'");
            }
            else if (!seen.Add(row.Slug))
            {
                errors.Add($"row {i + 1}: region '{row.Slug}' appears twice");
            }

            if (string.IsNullOrWhiteSpace(row.Name))
            {
                errors.Add($"row {i + 1}: region '{row.Slug}' has no name");
            }
            else if (!PlainText.IsPlain(row.Name))
            {
                errors.Add($"row {i + 1}: the name of region '{row.Slug}' has control characters or more than 200 characters");
            }

            final[row.Slug] = row.Parent;
        }

        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Parent is { } parent && !final.ContainsKey(parent))
            {
                errors.Add($"row {i + 1}: parent '{parent}' of region '{rows[i].Slug}' is not a known region");
            }
        }

        var rowOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < rows.Count; i++)
        {
            rowOf.TryAdd(rows[i].Slug, i + 1);
        }

        errors.AddRange(FindCycles(final, rowOf));
        return errors;
    }

    public static List<string> CheckPorts(IReadOnlyList<PortRow> rows, IReadOnlySet<string> regions)
    {
        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (!PortCode().IsMatch(row.Code))
            {
                errors.Add($"row {i + 1}: code '{row.Code}' must be 5 characters: 2 letters A-Z then 3 of A-Z or 0-9");
            }
            else if (!seen.Add(row.Code))
            {
                errors.Add($"row {i + 1}: port '{row.Code}' appears twice");
            }

            if (string.IsNullOrWhiteSpace(row.Name))
            {
                errors.Add($"row {i + 1}: port '{row.Code}' has no name");
            }
            else if (!PlainText.IsPlain(row.Name))
            {
                errors.Add($"row {i + 1}: the name of port '{row.Code}' has control characters or more than 200 characters");
            }

            if (!regions.Contains(row.Region))
            {
                errors.Add($"row {i + 1}: region '{row.Region}' of port '{row.Code}' is not a known region");
            }
        }

        return errors;
    }

    private static IEnumerable<string> FindCycles(Dictionary<string, string?> parents, Dictionary<string, int> rowOf)
    {
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in parents.Keys)
        {
            var path = new List<string>();
            var onPath = new HashSet<string>(StringComparer.Ordinal);
            for (string? slug = start; slug is not null && parents.ContainsKey(slug); slug = parents[slug])
            {
                if (!onPath.Add(slug))
                {
                    var cycle = path.Skip(path.IndexOf(slug)).Append(slug).ToList();
                    if (reported.Add(cycle.Min(StringComparer.Ordinal)!))
                    {
                        var row = cycle.Where(rowOf.ContainsKey).Select(s => rowOf[s]).DefaultIfEmpty(0).Min();
                        yield return $"row {row}: regions form a cycle: {string.Join(" -> ", cycle)}";
                    }

                    break;
                }

                path.Add(slug);
            }
        }
    }
}
