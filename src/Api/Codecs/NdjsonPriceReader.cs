using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using PriceIngest.Formats;
using PriceIngest.Grains.Batches;

namespace PriceIngest.Api.Codecs;

/// <summary>
/// Reads <c>application/x-ndjson</c> prices: one JSON object per line with string fields origin,
/// destination, day (YYYY-MM-DD) and an integer number price, each exactly once, and optionally a
/// string currency (absent or null: USD); other fields are ignored. Blank lines are skipped.
/// </summary>
public static class NdjsonPriceReader
{
    public static async IAsyncEnumerable<PriceChunk> ReadAsync(PipeReader body, int chunkSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var chunk = new ChunkBuilder(chunkSize);
        var errors = new List<ItemError>();
        await foreach (var line in LineReader.ReadLinesAsync(body, cancellationToken))
        {
            if (line.Span.Trim(" \t"u8).IsEmpty)
            {
                continue;
            }

            ReadItem(line.Span, chunk, errors);
            if (chunk.IsFull)
            {
                yield return chunk.Take()!;
            }
        }

        if (chunk.Take() is { } last)
        {
            yield return last;
        }
    }

    private static void ReadItem(ReadOnlySpan<byte> line, ChunkBuilder chunk, List<ItemError> errors)
    {
        var index = chunk.NextIndex;
        string? origin = null, destination = null;
        DateOnly? day = null;
        long? price = null;
        var nanos = 0;
        string? currency = null;
        bool seenOrigin = false, seenDestination = false, seenDay = false, seenPrice = false, seenCurrency = false;
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException("expected a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "origin" when !Twice(index, "origin", ref seenOrigin, ref reader, errors):
                        origin = String(ref reader, chunk, "origin", errors);
                        break;
                    case "destination" when !Twice(index, "destination", ref seenDestination, ref reader, errors):
                        destination = String(ref reader, chunk, "destination", errors);
                        break;
                    case "day" when !Twice(index, "day", ref seenDay, ref reader, errors):
                        day = reader.TokenType == JsonTokenType.String
                            ? ItemFields.Day(index, reader.ValueSpan, errors)
                            : Wrong<DateOnly>(index, "day", ref reader, "day must be a string in YYYY-MM-DD form", errors);
                        break;
                    case "price" when !Twice(index, "price", ref seenPrice, ref reader, errors):
                        price = reader.TokenType == JsonTokenType.Number
                            ? ItemFields.Price(index, reader.ValueSpan, errors, out nanos)
                            : Wrong<long>(index, "price", ref reader, "price must be a JSON number", errors);
                        break;
                    case "currency" when !Twice(index, "currency", ref seenCurrency, ref reader, errors):
                        currency = reader.TokenType switch
                        {
                            JsonTokenType.Null => null,
                            JsonTokenType.String when !reader.ValueIsEscaped => ItemFields.Currency(chunk, reader.ValueSpan),
                            JsonTokenType.String => ItemFields.Currency(chunk, Encoding.UTF8.GetBytes(reader.GetString()!)),
                            _ => Wrong(index, "currency", ref reader, "currency must be a string", errors),
                        };
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                throw new JsonException("expected one JSON object per line");
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            errors.Clear();
            var text = Encoding.UTF8.GetString(line[..Math.Min(line.Length, 200)]);
            errors.Add(new(index, "item", text, $"not a valid JSON object: {e.Message.Split(" Path:")[0]}"));
            ItemFields.Finish(chunk, null, null, null, null, errors);
            return;
        }

        Missing(index, "origin", seenOrigin, errors);
        Missing(index, "destination", seenDestination, errors);
        Missing(index, "day", seenDay, errors);
        Missing(index, "price", seenPrice, errors);
        ItemFields.Finish(chunk, origin, destination, day, price, errors, currency, nanos);
    }

    private static string? String(ref Utf8JsonReader reader, ChunkBuilder chunk, string field, List<ItemError> errors)
    {
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
        {
            return ItemFields.Port(chunk, field, reader.ValueSpan, errors);
        }

        if (reader.TokenType == JsonTokenType.String)
        {
            return ItemFields.Port(chunk, field, Encoding.UTF8.GetBytes(reader.GetString()!), errors);
        }

        return Wrong(chunk.NextIndex, field, ref reader, $"{field} must be a string", errors);
    }

    private static T? Wrong<T>(long index, string field, ref Utf8JsonReader reader, string reason, List<ItemError> errors)
        where T : struct
    {
        errors.Add(new(index, field, Raw(ref reader), reason));
        reader.Skip();
        return null;
    }

    private static string? Wrong(long index, string field, ref Utf8JsonReader reader, string reason, List<ItemError> errors)
    {
        errors.Add(new(index, field, Raw(ref reader), reason));
        reader.Skip();
        return null;
    }

    private static string Raw(ref Utf8JsonReader reader) =>
        reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray
            ? reader.TokenType.ToString()
            : Encoding.UTF8.GetString(reader.ValueSpan);

    /// <summary>
    /// Marks the field seen; true (with an error; the caller skips the value) when it was seen
    /// before: JSON parsers disagree on which of two values wins, so neither is taken.
    /// </summary>
    private static bool Twice(long index, string field, ref bool seen, ref Utf8JsonReader reader, List<ItemError> errors)
    {
        if (!seen)
        {
            seen = true;
            return false;
        }

        errors.Add(new(index, field, Raw(ref reader), $"{field} appears twice in the object"));
        return true;
    }

    private static void Missing(long index, string field, bool seen, List<ItemError> errors)
    {
        if (!seen)
        {
            errors.Add(new(index, field, null, $"{field} is missing"));
        }
    }
}
