using System.Buffers.Text;
using System.Globalization;

namespace PriceIngest.Bench.Contenders.Service;

/// <summary>
/// Reads the services' "yyyy-MM-dd" days without a string or a culture-aware parse per day: a
/// year's answer has 366 of them, and the client's decoding is timed with the service's answer.
/// </summary>
internal static class IsoDay
{
    public static DateOnly Parse(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length == 10 && utf8[4] == (byte)'-' && utf8[7] == (byte)'-'
            && Number(utf8[..4], out var year) && Number(utf8.Slice(5, 2), out var month) && Number(utf8.Slice(8, 2), out var day))
        {
            return new DateOnly(year, month, day);
        }

        return DateOnly.ParseExact(System.Text.Encoding.UTF8.GetString(utf8), "yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    public static DateOnly Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Span<byte> utf8 = stackalloc byte[10];
        return text.Length == 10 && System.Text.Encoding.ASCII.TryGetBytes(text, utf8, out _)
            ? Parse(utf8)
            : DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    private static bool Number(ReadOnlySpan<byte> digits, out int value) =>
        Utf8Parser.TryParse(digits, out value, out var used) && used == digits.Length && value >= 0;
}
