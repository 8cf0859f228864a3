using System.Buffers.Text;
using System.Globalization;
using System.Text;
using PriceIngest.Formats;
using PriceIngest.Grains.Batches;

namespace PriceIngest.Api.Codecs;

/// <summary>Syntax checks shared by the CSV and NDJSON readers: one field's text to a value, or an error.</summary>
internal static class ItemFields
{
    public static string? Port(ChunkBuilder chunk, string field, ReadOnlySpan<byte> text, List<ItemError> errors)
    {
        var value = chunk.Intern(text);
        if (value.Length == 0)
        {
            errors.Add(new(chunk.NextIndex, field, null, $"{field} is missing"));
            return null;
        }

        return value;
    }

    public static DateOnly? Day(long index, ReadOnlySpan<byte> text, List<ItemError> errors)
    {
        // Fast path for the canonical 10-byte form; anything else goes through the strict parser.
        var t = text.Trim(" \t"u8);
        if (t.Length == 10 && t[4] == (byte)'-' && t[7] == (byte)'-'
            && Digits(t[..4], out var year) && Digits(t.Slice(5, 2), out var month) && Digits(t.Slice(8, 2), out var dayOfMonth)
            && year >= 1 && month is >= 1 and <= 12 && dayOfMonth >= 1 && dayOfMonth <= DateTime.DaysInMonth(year, month))
        {
            return new DateOnly(year, month, dayOfMonth);
        }

        var value = Encoding.UTF8.GetString(text).Trim();
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        errors.Add(new(index, "day", value, value.Length == 0 ? "day is missing" : "day is not a real date in YYYY-MM-DD form"));
        return null;
    }

    private static bool Digits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (var b in text)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return true;
    }

    /// <summary>A price's whole units, its fraction in <paramref name="nanos"/> (whether a fraction is allowed is the silo's check: USD is whole).</summary>
    public static long? Price(long index, ReadOnlySpan<byte> text, List<ItemError> errors, out int nanos)
    {
        nanos = 0;
        var trimmed = text.Trim(" \t"u8);
        if (Utf8Parser.TryParse(trimmed, out long price, out var used) && used == trimmed.Length)
        {
            return price;
        }

        if (Utf8Parser.TryParse(trimmed, out decimal amount, out used) && used == trimmed.Length && PriceAmount.TrySplit(amount, out price, out nanos))
        {
            return price;
        }

        var value = Encoding.UTF8.GetString(trimmed);
        errors.Add(new(index, "price", value, value.Length == 0 ? "price is missing" : "price is not a number with at most 9 decimal places"));
        return null;
    }

    /// <summary>A protobuf price (units and nanos); null, with an error, when the two do not make one price.</summary>
    public static long? Price(long index, long units, int nanos, List<ItemError> errors)
    {
        if (PriceItem.IsValid(units, nanos))
        {
            return units;
        }

        errors.Add(new(index, "price", $"{units} units, {nanos} nanos", "price_nanos must be between -999999999 and 999999999 and have the sign of price"));
        return null;
    }

    /// <summary>An item's currency: empty means USD (null). Whether the code exists, and has a rate that day, is the silo's check.</summary>
    public static string? Currency(ChunkBuilder chunk, ReadOnlySpan<byte> text)
    {
        var t = text.Trim(" \t"u8);
        return t.IsEmpty ? null : chunk.Intern(t);
    }

    public static void Finish(ChunkBuilder chunk, string? origin, string? destination, DateOnly? day, long? price, List<ItemError> errors, string? currency = null, int nanos = 0)
    {
        chunk.Add(new PriceItem(origin, destination, day, price, currency, nanos), errors);
        errors.Clear();
    }
}
