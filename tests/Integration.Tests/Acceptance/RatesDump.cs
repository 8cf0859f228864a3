using System.Globalization;
using System.Text.RegularExpressions;

namespace PriceIngest.Integration.Tests.Acceptance;

/// <summary>
/// The public ratestask dump (../shared/data/ratestask/rates.sql beside the repository), parsed in
/// full: its COPY blocks and the statements after them, which change the data (the final table
/// holds 53,056 prices). Any data statement we do not understand fails the parse.
/// </summary>
public sealed partial class RatesDump
{
    public List<(string Slug, string Name, string? Parent)> Regions { get; } = [];

    public List<(string Code, string Name, string Region)> Ports { get; } = [];

    public List<(string Origin, string Destination, DateOnly Day, int Price)> Prices { get; } = [];

    public static string? Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PriceIngest.sln")))
            {
                var path = Path.Combine(dir.FullName, "..", "shared", "data", "ratestask", "rates.sql");
                return File.Exists(path) ? Path.GetFullPath(path) : null;
            }
        }

        return null;
    }

    public static RatesDump Load(string path)
    {
        var dump = new RatesDump();
        string? table = null;
        foreach (var line in File.ReadLines(path))
        {
            if (table is not null)
            {
                if (line == "\\.")
                {
                    table = null;
                }
                else
                {
                    dump.AddRow(table, line.Split('\t').Select(f => f == "\\N" ? null : f).ToArray());
                }

                continue;
            }

            var trimmed = line.Trim();
            if (Copy().Match(trimmed) is { Success: true } copy)
            {
                table = copy.Groups[1].Value;
            }
            else if (DeleteDay().Match(trimmed) is { Success: true } delete)
            {
                var day = DateOnly.Parse(delete.Groups[1].Value, CultureInfo.InvariantCulture);
                dump.Prices.RemoveAll(p => p.Day == day);
            }
            else if (Insert().Match(trimmed) is { Success: true } insert)
            {
                dump.Prices.Add((insert.Groups[1].Value, insert.Groups[2].Value,
                    DateOnly.Parse(insert.Groups[3].Value, CultureInfo.InvariantCulture), int.Parse(insert.Groups[4].Value, CultureInfo.InvariantCulture)));
            }
            else if (trimmed.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase)
                || trimmed.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException($"unexpected data statement in the dump: {trimmed}");
            }
        }

        return dump;
    }

    private void AddRow(string table, string?[] f)
    {
        switch (table)
        {
            case "ports":
                Ports.Add((f[0]!, f[1]!, f[2]!));
                break;
            case "regions":
                Regions.Add((f[0]!, f[1]!, f[2]));
                break;
            case "prices":
                Prices.Add((f[0]!, f[1]!, DateOnly.Parse(f[2]!, CultureInfo.InvariantCulture), int.Parse(f[3]!, CultureInfo.InvariantCulture)));
                break;
            default:
                throw new InvalidDataException($"unexpected COPY into {table}");
        }
    }

    [GeneratedRegex(@"^COPY (\w+) \(.*\) FROM stdin;$")]
    private static partial Regex Copy();

    [GeneratedRegex(@"^DELETE FROM prices WHERE day = date'(\d{4}-\d{2}-\d{2})';$")]
    private static partial Regex DeleteDay();

    [GeneratedRegex(@"^INSERT INTO prices VALUES \('(\w+)', '(\w+)', date'(\d{4}-\d{2}-\d{2})', (\d+)\);$")]
    private static partial Regex Insert();
}
