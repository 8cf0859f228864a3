using System.Text;

namespace PriceIngest.Formats;

/// <summary>
/// Writes records that <see cref="CsvReader"/> reads back exactly (RFC 4180): a field is quoted
/// when it holds a comma, a quote, a line break, or spaces or tabs at either end (the reader trims
/// those of an unquoted field); quotes inside are doubled. Lines end with \n.
/// </summary>
public static class CsvWriter
{
    public static StringBuilder AppendRecord(this StringBuilder text, params ReadOnlySpan<string?> fields)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            var field = fields[i] ?? string.Empty;
            var quoted = field.AsSpan().IndexOfAny(",\"\r\n") >= 0
                || (field.Length > 0 && (char.IsWhiteSpace(field[0]) || char.IsWhiteSpace(field[^1])));
            text.Append(quoted ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field);
        }

        return text.Append('\n');
    }
}
