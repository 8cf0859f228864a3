namespace PriceIngest.EmbeddedPostgres;

/// <summary>Path helpers the BCL lacks.</summary>
internal static class FileSystemPaths
{
    private const int MaxSymbolicLinks = 40;

    /// <summary>
    /// Like realpath(3): the absolute path with every symbolic link resolved, which is what the
    /// kernel reports as a process's working directory in /proc/&lt;pid&gt;/cwd.
    /// </summary>
    public static string Canonical(string path)
    {
        var pending = new List<string>(Split(Path.GetFullPath(path)));
        var result = "/";
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending[0];
            pending.RemoveAt(0);
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                result = Path.GetDirectoryName(result) ?? "/";
                continue;
            }

            var next = Path.Combine(result, part);
            var target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                result = next;
                continue;
            }

            if (++links > MaxSymbolicLinks)
            {
                throw new IOException($"Too many levels of symbolic links in {path}.");
            }

            if (Path.IsPathRooted(target))
            {
                result = "/";
            }

            pending.InsertRange(0, Split(target));
        }

        return result;
    }

    private static string[] Split(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);
}
