using System.Text;

namespace PriceIngest.EmbeddedPostgres;

/// <summary>Reads and rotates the server log (log/server.log in the data folder).</summary>
internal static class ServerLogFile
{
    private const long RotateAtBytes = 16 * 1024 * 1024;
    private const int TailBytes = 4096;

    public static long Length(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    /// <summary>Keeps one previous generation so a kept cluster's log cannot grow without bound.</summary>
    public static void RotateIfLarge(string path)
    {
        if (Length(path) > RotateAtBytes)
        {
            File.Move(path, path + ".1", overwrite: true);
        }
    }

    /// <summary>
    /// The last few KiB written since <paramref name="fromOffset"/> (the start of this attempt, so no
    /// older statements end up in exception messages), or a note that there is nothing.
    /// </summary>
    public static string Tail(string path, long fromOffset)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length < fromOffset)
            {
                fromOffset = 0; // rotated or truncated meanwhile
            }

            var start = Math.Max(fromOffset, stream.Length - TailBytes);
            stream.Seek(start, SeekOrigin.Begin);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var text = reader.ReadToEnd();
            if (start > fromOffset && text.IndexOf('\n', StringComparison.Ordinal) is var newline and >= 0)
            {
                text = "..." + text[(newline + 1)..];
            }

            text = text.Trim();
            return text.Length == 0 ? $"(the server log {path} has nothing new)" : $"Server log ({path}):{Environment.NewLine}{text}";
        }
        catch (FileNotFoundException)
        {
            return $"(no server log at {path})";
        }
        catch (DirectoryNotFoundException)
        {
            return $"(no server log at {path})";
        }
    }
}
