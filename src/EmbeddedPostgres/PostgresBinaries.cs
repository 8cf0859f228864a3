namespace PriceIngest.EmbeddedPostgres;

/// <summary>
/// The folder holding initdb, pg_ctl and postgres. Server binaries are usually not on PATH
/// (Debian keeps them in /usr/lib/postgresql/&lt;version&gt;/bin), so they are searched for, in order:
/// the <see cref="PostgresServerOptions.BinDirectory"/> option, the <c>PRICEINGEST_PG_BIN</c>
/// environment variable, <c>pg_config --bindir</c>, the highest /usr/lib/postgresql/*/bin, and a few
/// common install folders.
/// </summary>
internal sealed class PostgresBinaries
{
    public const string EnvironmentVariable = "PRICEINGEST_PG_BIN";

    private static readonly string[] CommonFolders = ["/usr/local/pgsql/bin", "/opt/homebrew/bin", "/usr/local/bin", "/usr/bin"];

    private PostgresBinaries(string binDirectory) => BinDirectory = binDirectory;

    public string BinDirectory { get; }

    public string InitDb => Path.Combine(BinDirectory, "initdb");

    public string PgCtl => Path.Combine(BinDirectory, "pg_ctl");

    public string Postgres => Path.Combine(BinDirectory, "postgres");

    public static async Task<PostgresBinaries> LocateAsync(string? configured, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return FromExplicit(configured, "PostgresServerOptions.BinDirectory");
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return FromExplicit(fromEnvironment, EnvironmentVariable);
        }

        var candidates = new List<string>();
        var pgConfigDirectory = await PgConfigBinDirectoryAsync(cancellationToken);
        if (pgConfigDirectory is not null)
        {
            candidates.Add(pgConfigDirectory);
        }

        candidates.AddRange(DebianVersionFolders());
        candidates.AddRange(CommonFolders);

        var found = candidates.FirstOrDefault(HasServerBinaries);
        return found is not null
            ? new PostgresBinaries(Path.GetFullPath(found))
            : throw new PostgresServerException(
                $"No PostgreSQL server binaries (initdb, pg_ctl) found in {string.Join(", ", candidates.Distinct())}. " +
                $"Install the PostgreSQL server, or set {EnvironmentVariable} or PostgresServerOptions.BinDirectory.");
    }

    private static PostgresBinaries FromExplicit(string folder, string source) =>
        HasServerBinaries(folder)
            ? new PostgresBinaries(Path.GetFullPath(folder))
            : throw new PostgresServerException($"{source} is '{folder}', which does not contain initdb and pg_ctl.");

    private static bool HasServerBinaries(string folder) =>
        File.Exists(Path.Combine(folder, "initdb")) && File.Exists(Path.Combine(folder, "pg_ctl"));

    private static async Task<string?> PgConfigBinDirectoryAsync(CancellationToken cancellationToken)
    {
        var pgConfig = ExecutableSearch.Find("pg_config");
        if (pgConfig is null)
        {
            return null;
        }

        try
        {
            var result = await ProcessRunner.RunAsync(new ProcessCommand("pg_config", pgConfig, ["--bindir"]), TimeSpan.FromSeconds(10), cancellationToken);
            var folder = result.StandardOutput.Trim();
            return result.Succeeded && folder.Length > 0 ? folder : null;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>/usr/lib/postgresql/&lt;version&gt;/bin, highest version first.</summary>
    private static IEnumerable<string> DebianVersionFolders()
    {
        const string Root = "/usr/lib/postgresql";
        if (!Directory.Exists(Root))
        {
            return [];
        }

        return Directory.EnumerateDirectories(Root)
            .Select(folder => (Folder: folder, Version: ParseVersion(Path.GetFileName(folder))))
            .Where(entry => entry.Version is not null)
            .OrderByDescending(entry => entry.Version)
            .Select(entry => Path.Combine(entry.Folder, "bin"));
    }

    private static Version? ParseVersion(string name) =>
        Version.TryParse(name.Contains('.', StringComparison.Ordinal) ? name : name + ".0", out var version) ? version : null;
}
