using System.Globalization;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using PriceIngest.Contracts.V1;
using PriceIngest.Formats;

namespace PriceIngest.Client.Sources;

/// <summary>
/// Streams <see cref="PriceItem"/>s out of CSV or NDJSON text, one line at a time (constant
/// memory). Blank lines are skipped. An optional currency (CSV column or NDJSON field) is passed on;
/// absent or empty means USD. Values are passed on as written (the server validates them);
/// only what cannot be put in a <see cref="PriceItem"/> at all (a price that is not a number with at most 9 decimal places,
/// a wrong number of CSV fields, malformed JSON) stops the read with a <see cref="PriceFileException"/>.
/// </summary>
public static class PriceFileReader
{
    private static readonly string[] Columns = ["origin", "destination", "day", "price"];

    public static IAsyncEnumerable<PriceItem> ReadAsync(Stream stream, PriceFileFormat format, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return format == PriceFileFormat.Ndjson ? ReadNdjsonAsync(stream, cancellationToken) : ReadCsvAsync(stream, cancellationToken);
    }

    private static StreamReader Open(Stream stream) =>
        new(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true);

    private static async IAsyncEnumerable<PriceItem> ReadCsvAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The server's reader, so that a file means the same on both sides.
        var body = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        int[]? map = null;
        var width = 0;
        var records = CsvReader.ReadAsync(body, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (await NextAsync(records))
            {
                var record = records.Current;
                if (record.Error is { } error)
                {
                    throw new PriceFileException(record.Line, error);
                }

                var fields = Enumerable.Range(0, record.Count).Select(record.GetString).ToList();
                if (map is null)
                {
                    map = HeaderMap(fields, record.Line);
                    width = fields.Count;
                    continue;
                }

                if (fields.Count != width)
                {
                    throw new PriceFileException(record.Line, $"expected {width} fields, found {fields.Count}");
                }

                var item = new PriceItem
                {
                    Origin = fields[map[0]],
                    Destination = fields[map[1]],
                    Day = fields[map[2]],
                    Currency = map[4] < 0 ? string.Empty : fields[map[4]],
                };
                SetPrice(item, fields[map[3]], record.Line);
                yield return item;
            }
        }
        finally
        {
            await records.DisposeAsync();
            await body.CompleteAsync();
        }

        if (map is null)
        {
            throw new PriceFileException("the file is empty: expected the header origin,destination,day,price");
        }
    }

    private static async Task<bool> NextAsync(IAsyncEnumerator<CsvRecord> records)
    {
        try
        {
            return await records.MoveNextAsync();
        }
        catch (MalformedBodyException e)
        {
            throw new PriceFileException(e.Message, e);
        }
    }

    private static int[] HeaderMap(List<string> fields, long lineNumber)
    {
        // The last slot is the optional currency column (-1: absent, every price is USD).
        var map = new int[Columns.Length + 1];
        map[Columns.Length] = fields.FindIndex(f => f.Equals("currency", StringComparison.OrdinalIgnoreCase));
        for (var c = 0; c < Columns.Length; c++)
        {
            map[c] = fields.FindIndex(f => f.Equals(Columns[c], StringComparison.OrdinalIgnoreCase));
            if (map[c] < 0)
            {
                throw new PriceFileException(lineNumber, $"the header has no '{Columns[c]}' column (expected origin,destination,day,price)");
            }
        }

        return map;
    }

    /// <summary>Sets price and price_nanos (billionths, with the sign of the price) from its text.</summary>
    private static void SetPrice(PriceItem item, string text, long lineNumber)
    {
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            item.Price = whole;
            return;
        }

        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var amount))
        {
            throw new PriceFileException(lineNumber, $"price '{text}' is not a number");
        }

        if (!PriceAmount.TrySplit(amount, out var units, out var nanos))
        {
            throw new PriceFileException(lineNumber, $"price '{text}' has more than 9 decimal places or is too large");
        }

        item.Price = units;
        item.PriceNanos = nanos;
    }

    private static async IAsyncEnumerable<PriceItem> ReadNdjsonAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = Open(stream);
        long lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            yield return ParseJsonLine(line, lineNumber);
        }
    }

    private static PriceItem ParseJsonLine(string line, long lineNumber)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new PriceFileException(lineNumber, $"not a JSON object: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new PriceFileException(lineNumber, "not a JSON object");
            }

            var item = new PriceItem
            {
                Origin = Text(root, "origin", lineNumber),
                Destination = Text(root, "destination", lineNumber),
                Day = Text(root, "day", lineNumber),
                Currency = Text(root, "currency", lineNumber),
            };
            if (!root.TryGetProperty("price", out var price))
            {
                throw new PriceFileException(lineNumber, "no 'price'");
            }

            if (price.ValueKind is not (JsonValueKind.Number or JsonValueKind.String))
            {
                throw new PriceFileException(lineNumber, $"price {price.GetRawText()} is not a number");
            }

            SetPrice(item, price.ValueKind == JsonValueKind.String ? price.GetString()! : price.GetRawText(), lineNumber);
            return item;
        }
    }

    private static string Text(JsonElement root, string name, long lineNumber)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return string.Empty;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new PriceFileException(lineNumber, $"'{name}' must be a string, found {value.GetRawText()}");
    }
}
