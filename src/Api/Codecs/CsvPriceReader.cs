using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using PriceIngest.Formats;
using PriceIngest.Grains.Batches;

namespace PriceIngest.Api.Codecs;

/// <summary>
/// Reads <c>text/csv</c> prices (RFC 4180, see <see cref="CsvReader"/>): a header naming the
/// columns origin, destination, day, price and optionally currency (any order, other columns
/// ignored), then one item per record. Blank lines are skipped and not counted. Without a currency
/// column, or with an empty cell, a price is USD.
/// </summary>
public static class CsvPriceReader
{
    private static readonly string[] Columns = ["origin", "destination", "day", "price"];

    private const string CurrencyColumn = "currency";

    public static async IAsyncEnumerable<PriceChunk> ReadAsync(PipeReader body, int chunkSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        int[]? columns = null;
        var chunk = new ChunkBuilder(chunkSize);
        var errors = new List<ItemError>();
        await foreach (var record in CsvReader.ReadAsync(body, cancellationToken))
        {
            if (columns is null)
            {
                columns = ParseHeader(record);
                continue;
            }

            ReadItem(record, columns, chunk, errors);
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

    private static int[] ParseHeader(CsvRecord header)
    {
        if (header.Error is { } error)
        {
            throw new MalformedBodyException($"the CSV header breaks the quoting rules: {error}");
        }

        var names = Enumerable.Range(0, header.Count).Select(i => header.GetString(i).ToLowerInvariant()).ToList();
        var columns = Columns.Select(c => names.IndexOf(c)).Append(names.IndexOf(CurrencyColumn)).ToArray();
        var missing = Columns.Where((_, i) => columns[i] < 0).ToList();
        return missing.Count == 0
            ? columns
            : throw new MalformedBodyException($"the CSV header lacks column(s) {string.Join(", ", missing)}: expected 'origin,destination,day,price' (and optionally 'currency')");
    }

    private static void ReadItem(CsvRecord record, int[] columns, ChunkBuilder chunk, List<ItemError> errors)
    {
        var needed = columns.Max() + 1;
        var index = chunk.NextIndex;
        if (record.Error is { } error)
        {
            errors.Add(new(index, "item", record.ToString(), error));
            ItemFields.Finish(chunk, null, null, null, null, errors);
            return;
        }

        if (record.Count < needed)
        {
            errors.Add(new(index, "item", record.ToString(), $"expected at least {needed} comma-separated fields, found {record.Count}"));
            ItemFields.Finish(chunk, null, null, null, null, errors);
            return;
        }

        var origin = ItemFields.Port(chunk, "origin", record[columns[0]], errors);
        var destination = ItemFields.Port(chunk, "destination", record[columns[1]], errors);
        var day = ItemFields.Day(index, record[columns[2]], errors);
        var price = ItemFields.Price(index, record[columns[3]], errors, out var nanos);
        var currency = columns[4] < 0 ? null : ItemFields.Currency(chunk, record[columns[4]]);
        ItemFields.Finish(chunk, origin, destination, day, price, errors, currency, nanos);
    }
}
