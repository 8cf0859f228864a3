using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using PriceIngest.Grains.Batches;

namespace PriceIngest.Api.Codecs;

/// <summary>
/// Reads <c>text/csv</c> prices: a header naming the columns origin, destination, day, price (any
/// order, other columns ignored), then one item per line. Blank lines are skipped and not counted.
/// </summary>
public static class CsvPriceReader
{
    private static readonly string[] Columns = ["origin", "destination", "day", "price"];

    public static async IAsyncEnumerable<PriceChunk> ReadAsync(PipeReader body, int chunkSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        int[]? columns = null;
        var chunk = new ChunkBuilder(chunkSize);
        var errors = new List<ItemError>();
        await foreach (var line in LineReader.ReadLinesAsync(body, cancellationToken))
        {
            var span = line.Span;
            if (span.Trim(" \t"u8).IsEmpty)
            {
                continue;
            }

            if (columns is null)
            {
                columns = ParseHeader(span);
                continue;
            }

            ReadItem(span, columns, chunk, errors);
            if (chunk.IsFull)
            {
                yield return chunk.Take()!;
            }
        }

        if (columns is null)
        {
            throw new MalformedBodyException("the CSV body is empty: expected a header line 'origin,destination,day,price'");
        }

        if (chunk.Take() is { } last)
        {
            yield return last;
        }
    }

    private static int[] ParseHeader(ReadOnlySpan<byte> line)
    {
        var names = CsvFields.Split(Encoding.UTF8.GetString(line).TrimStart('\uFEFF'))
            .Select(n => n.ToLowerInvariant()).ToList();
        var columns = Columns.Select(c => names.IndexOf(c)).ToArray();
        var missing = Columns.Where((_, i) => columns[i] < 0).ToList();
        return missing.Count == 0
            ? columns
            : throw new MalformedBodyException($"the CSV header lacks column(s) {string.Join(", ", missing)}: expected 'origin,destination,day,price'");
    }

    private static int SplitFields(ReadOnlySpan<byte> line, Span<Range> ranges)
    {
        var count = 0;
        var start = 0;
        while (count < ranges.Length)
        {
            var comma = line[start..].IndexOf((byte)',');
            if (comma < 0)
            {
                ranges[count++] = start..line.Length;
                break;
            }

            ranges[count++] = start..(start + comma);
            start += comma + 1;
        }

        return count;
    }

    private static void ReadItem(ReadOnlySpan<byte> line, int[] columns, ChunkBuilder chunk, List<ItemError> errors)
    {
        var needed = columns.Max() + 1;
        Span<Range> ranges = needed <= 16 ? stackalloc Range[16] : new Range[needed];
        var index = chunk.NextIndex;
        if (line.Contains((byte)'"'))
        {
            // Rare: quoted fields. Re-encode the unquoted fields and go through the plain path.
            var fields = CsvFields.Split(Encoding.UTF8.GetString(line));
            line = Encoding.UTF8.GetBytes(string.Join(',', fields.Select(f => f.Replace(",", "", StringComparison.Ordinal))));
        }

        var count = SplitFields(line, ranges);
        if (count < needed)
        {
            errors.Add(new(index, "item", Encoding.UTF8.GetString(line), $"expected at least {needed} comma-separated fields, found {count}"));
            ItemFields.Finish(chunk, null, null, null, null, errors);
            return;
        }

        var origin = ItemFields.Port(chunk, "origin", line[ranges[columns[0]]], errors);
        var destination = ItemFields.Port(chunk, "destination", line[ranges[columns[1]]], errors);
        var day = ItemFields.Day(index, line[ranges[columns[2]]], errors);
        var price = ItemFields.Price(index, line[ranges[columns[3]]], errors);
        ItemFields.Finish(chunk, origin, destination, day, price, errors);
    }
}
