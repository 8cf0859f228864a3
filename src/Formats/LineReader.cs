using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace PriceIngest.Formats;

/// <summary>
/// Reads a body line by line straight from the request pipe, so a million-line upload is never
/// held in memory as a whole. Lines end with \n or \r\n; a line over the limit fails the body. A
/// leading UTF-8 byte order mark is skipped.
/// </summary>
public static class LineReader
{
    public const int MaxLineBytes = 64 * 1024;

    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>Yields each line's UTF-8 bytes (without the line break), valid until the next line is requested.</summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadLinesAsync(PipeReader body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var scratch = new byte[1024];
        var lineNumber = 0L;
        while (true)
        {
            var read = await body.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            var advanced = false;
            try
            {
                while (TryTakeLine(ref buffer, read.IsCompleted, out var line))
                {
                    lineNumber++;
                    if (line.Length > MaxLineBytes)
                    {
                        throw new MalformedBodyException($"line {lineNumber} is longer than {MaxLineBytes} bytes");
                    }

                    if (scratch.Length < line.Length)
                    {
                        scratch = new byte[Math.Max((int)line.Length, scratch.Length * 2)];
                    }

                    line.CopyTo(scratch);
                    var length = (int)line.Length;
                    if (length > 0 && scratch[length - 1] == (byte)'\r')
                    {
                        length--;
                    }

                    // Editors on Windows start UTF-8 files with a byte order mark; it is not text.
                    var start = lineNumber == 1 && scratch.AsSpan(0, length).StartsWith(Bom) ? Bom.Length : 0;
                    yield return scratch.AsMemory(start, length - start);
                }

                if (buffer.Length > MaxLineBytes)
                {
                    throw new MalformedBodyException($"line {lineNumber + 1} is longer than {MaxLineBytes} bytes");
                }

                body.AdvanceTo(buffer.Start, buffer.End);
                advanced = true;
            }
            finally
            {
                // A consumer that stops early (or an error) must still hand the buffer back, or
                // the server cannot drain the rest of the body and the connection breaks.
                if (!advanced)
                {
                    body.AdvanceTo(buffer.Start);
                }
            }

            if (read.IsCompleted)
            {
                yield break;
            }
        }
    }

    private static bool TryTakeLine(ref ReadOnlySequence<byte> buffer, bool final, out ReadOnlySequence<byte> line)
    {
        var end = buffer.PositionOf((byte)'\n');
        if (end is { } position)
        {
            line = buffer.Slice(0, position);
            buffer = buffer.Slice(buffer.GetPosition(1, position));
            return true;
        }

        if (final && !buffer.IsEmpty)
        {
            line = buffer;
            buffer = buffer.Slice(buffer.End);
            return true;
        }

        line = default;
        return false;
    }
}
