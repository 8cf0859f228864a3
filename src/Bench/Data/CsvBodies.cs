using System.Buffers.Text;
using System.Text;
using PriceIngest.Grains.Services;

namespace PriceIngest.Bench.Data;

/// <summary>Request bodies in the REST API's CSV formats, built in memory before any timing starts.</summary>
public static class CsvBodies
{
    private static ReadOnlySpan<byte> PricesHeader => "origin,destination,day,price\n"u8;

    /// <summary>
    /// <c>origin,destination,day,price</c> lines for <paramref name="rows"/>; with
    /// <paramref name="invalidLast"/> one more item with price 0 (which the service rejects) is appended;
    /// with <paramref name="currency"/> a <c>currency</c> column names it on every line.
    /// </summary>
    public static byte[] Prices(ReferenceData reference, ReadOnlySpan<PriceRow> rows, bool invalidLast = false, string? currency = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var codes = reference.Ports.Select(p => Encoding.ASCII.GetBytes(p.Code)).ToArray();
        var header = currency is null ? PricesHeader : "origin,destination,day,price,currency\n"u8;
        byte[] suffix = currency is null ? [] : Encoding.ASCII.GetBytes("," + currency);
        var size = header.Length + ((rows.Length + 1) * (5 + 1 + 5 + 1 + 10 + 1 + 11 + suffix.Length + 1));
        var buffer = new byte[size];
        header.CopyTo(buffer);
        var used = header.Length;
        foreach (var row in rows)
        {
            used += Line(buffer.AsSpan(used), codes[row.Origin], codes[row.Destination], row.Day, row.Price, suffix);
        }

        if (invalidLast && rows.Length > 0)
        {
            used += Line(buffer.AsSpan(used), codes[rows[0].Origin], codes[rows[0].Destination], rows[0].Day, 0, suffix);
        }

        return buffer.AsSpan(0, used).ToArray();
    }

    public static string Regions(IEnumerable<RegionRow> regions) =>
        Csv("slug,name,parent", regions.Select(r => new[] { r.Slug, r.Name, r.Parent ?? "" }));

    public static string Ports(IEnumerable<PortRow> ports) =>
        Csv("code,name,region", ports.Select(p => new[] { p.Code, p.Name, p.Region }));

    private static int Line(Span<byte> target, byte[] origin, byte[] destination, DateOnly day, int price, ReadOnlySpan<byte> suffix)
    {
        var at = 0;
        origin.CopyTo(target);
        at += origin.Length;
        target[at++] = (byte)',';
        destination.CopyTo(target[at..]);
        at += destination.Length;
        target[at++] = (byte)',';
        day.TryFormat(target[at..], out var written, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        at += written;
        target[at++] = (byte)',';
        Utf8Formatter.TryFormat(price, target[at..], out written);
        at += written;
        suffix.CopyTo(target[at..]);
        at += suffix.Length;
        target[at++] = (byte)'\n';
        return at;
    }

    private static string Csv(string header, IEnumerable<string[]> rows)
    {
        var text = new StringBuilder(header).Append('\n');
        foreach (var row in rows)
        {
            text.AppendJoin(',', row.Select(Field)).Append('\n');
        }

        return text.ToString();
    }

    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
