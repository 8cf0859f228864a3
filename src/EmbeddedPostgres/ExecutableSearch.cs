namespace PriceIngest.EmbeddedPostgres;

/// <summary>Finds a program on PATH, then in the usual system folders (sbin is often not on PATH).</summary>
internal static class ExecutableSearch
{
    private static readonly string[] SystemFolders = ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"];

    public static string? Find(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        var folders = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Concat(SystemFolders);
        return folders.Select(folder => Path.Combine(folder, name)).FirstOrDefault(File.Exists);
    }
}
