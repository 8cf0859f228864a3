using System.Text;

namespace PriceIngest.Formats;

/// <summary>
/// One CSV record from <see cref="CsvReader"/>, valid until the reader moves on. Unquoted fields
/// are trimmed of spaces and tabs; a quoted field is exactly what its quotes enclose, with "" read
/// as one quote and a line break inside the quotes read as \n.
/// </summary>
public sealed class CsvRecord
{
    private Range[] _fields = new Range[16];
    private ReadOnlyMemory<byte> _text;

    /// <summary>How many fields the record has (at least 1).</summary>
    public int Count { get; private set; }

    /// <summary>The body's line on which the record starts (1-based, counting every line).</summary>
    public long Line { get; private set; }

    /// <summary>Why the record breaks the quoting rules (naming the field), or null.</summary>
    public string? Error { get; private set; }

    /// <summary>The UTF-8 bytes of field <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> this[int index] => _text.Span[_fields[index]];

    public string GetString(int index) => Encoding.UTF8.GetString(this[index]);

    /// <summary>The record as text, for error messages.</summary>
    public override string ToString() => string.Join(',', Enumerable.Range(0, Count).Select(GetString));

    internal void Start(long line, ReadOnlyMemory<byte> text)
    {
        Line = line;
        _text = text;
        Count = 0;
        Error = null;
    }

    internal void SetText(ReadOnlyMemory<byte> text) => _text = text;

    internal void Add(Range field)
    {
        if (Count == _fields.Length)
        {
            Array.Resize(ref _fields, _fields.Length * 2);
        }

        _fields[Count++] = field;
    }

    internal void Fail(string error) => Error ??= $"field {Count + 1}: {error}";
}
