using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace PriceIngest.Formats;

/// <summary>
/// Reads RFC 4180 CSV records straight from a body: comma-separated fields, double quotes around a
/// field that holds commas, quotes ("") or line breaks. Blank lines are skipped (and a leading
/// byte order mark, by <see cref="LineReader"/>). A line without quotes is split in place; only a record with quotes is
/// copied. Breaking the quoting rules (a quote inside an unquoted field, text after a closing
/// quote) is reported on the record (<see cref="CsvRecord.Error"/>), never repaired.
/// </summary>
public static class CsvReader
{
    public static async IAsyncEnumerable<CsvRecord> ReadAsync(PipeReader body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var record = new CsvRecord();
        var quoted = new QuotedRecord();
        var lineNumber = 0L;
        await foreach (var line in LineReader.ReadLinesAsync(body, cancellationToken))
        {
            lineNumber++;

            if (quoted.IsOpen)
            {
                if (quoted.Continue(record, line.Span))
                {
                    yield return record;
                }

                continue;
            }

            if (line.Span.Trim(" \t"u8).IsEmpty)
            {
                continue;
            }

            record.Start(lineNumber, line);
            if (line.Span.Contains((byte)'"'))
            {
                if (!quoted.Begin(record, line.Span))
                {
                    continue;
                }
            }
            else
            {
                SplitPlain(record, line.Span);
            }

            yield return record;
        }

        if (quoted.IsOpen)
        {
            throw new MalformedBodyException($"the quoted field opened on line {record.Line} is not closed before the end of the body");
        }
    }

    private static void SplitPlain(CsvRecord record, ReadOnlySpan<byte> line)
    {
        var start = 0;
        while (true)
        {
            var comma = line[start..].IndexOf((byte)',');
            var end = comma < 0 ? line.Length : start + comma;
            record.Add(Trim(line, start, end));
            if (comma < 0)
            {
                return;
            }

            start = end + 1;
        }
    }

    private static Range Trim(ReadOnlySpan<byte> line, int start, int end)
    {
        while (start < end && line[start] is (byte)' ' or (byte)'\t')
        {
            start++;
        }

        while (end > start && line[end - 1] is (byte)' ' or (byte)'\t')
        {
            end--;
        }

        return start..end;
    }

    /// <summary>A record with quotes: its fields are copied into a buffer of its own, line by line.</summary>
    private sealed class QuotedRecord
    {
        private byte[] _buffer = new byte[1024];
        private int _length;
        private int _fieldStart;

        public bool IsOpen { get; private set; }

        /// <summary>Reads the record's first line; false when a quoted field goes on in the next line.</summary>
        public bool Begin(CsvRecord record, ReadOnlySpan<byte> line)
        {
            _length = 0;
            return Read(record, line, 0, fieldOpen: false);
        }

        /// <summary>Reads the next line of an open quoted field; true when the record is complete.</summary>
        public bool Continue(CsvRecord record, ReadOnlySpan<byte> line)
        {
            Append("\n"u8);
            return Read(record, line, 0, fieldOpen: true);
        }

        private bool Read(CsvRecord record, ReadOnlySpan<byte> line, int at, bool fieldOpen)
        {
            while (true)
            {
                if (!fieldOpen)
                {
                    while (at < line.Length && line[at] is (byte)' ' or (byte)'\t')
                    {
                        at++;
                    }

                    _fieldStart = _length;
                    if (at < line.Length && line[at] == (byte)'"')
                    {
                        at++;
                    }
                    else
                    {
                        var comma = line[at..].IndexOf((byte)',');
                        var end = comma < 0 ? line.Length : at + comma;
                        var range = Trim(line, at, end);
                        if (line[range].Contains((byte)'"'))
                        {
                            record.Fail("a quote inside an unquoted field (quote the whole field and double the quote)");
                        }

                        Append(line[range]);
                        if (!EndField(record, comma < 0))
                        {
                            return true;
                        }

                        at = end + 1;
                        continue;
                    }
                }

                fieldOpen = false;

                // Inside quotes: up to the closing quote, "" being one quote.
                while (true)
                {
                    var quote = line[at..].IndexOf((byte)'"');
                    if (quote < 0)
                    {
                        Append(line[at..]);
                        IsOpen = true;
                        record.SetText(_buffer.AsMemory(0, _length));
                        return false;
                    }

                    Append(line.Slice(at, quote));
                    at += quote + 1;
                    if (at < line.Length && line[at] == (byte)'"')
                    {
                        Append("\""u8);
                        at++;
                        continue;
                    }

                    break;
                }

                while (at < line.Length && line[at] is (byte)' ' or (byte)'\t')
                {
                    at++;
                }

                if (at < line.Length && line[at] != (byte)',')
                {
                    record.Fail("text after the closing quote (double a quote inside a quoted field)");
                    var skip = line[at..].IndexOf((byte)',');
                    at = skip < 0 ? line.Length : at + skip;
                }

                if (!EndField(record, at >= line.Length))
                {
                    return true;
                }

                at++;
            }
        }

        /// <summary>Adds the field; false when it was the record's last.</summary>
        private bool EndField(CsvRecord record, bool last)
        {
            record.Add(_fieldStart.._length);
            if (!last)
            {
                return true;
            }

            IsOpen = false;
            record.SetText(_buffer.AsMemory(0, _length));
            return false;
        }

        private void Append(ReadOnlySpan<byte> bytes)
        {
            if (_length + bytes.Length > LineReader.MaxLineBytes)
            {
                throw new MalformedBodyException($"a record is longer than {LineReader.MaxLineBytes} bytes (is a quote not closed?)");
            }

            if (_length + bytes.Length > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + bytes.Length));
            }

            bytes.CopyTo(_buffer.AsSpan(_length));
            _length += bytes.Length;
        }
    }
}
