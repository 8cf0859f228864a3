using System.Text;

namespace PriceIngest.EmbeddedPostgres;

/// <summary>
/// Where things live. Everything belonging to a cluster stays inside its data folder:
/// <list type="bullet">
/// <item><c>log/server.log</c>: the server log (pg_ctl -l), rotated to server.log.1 at start when large;</item>
/// <item><c>sockets/</c>: the Unix-domain socket and its lock file (writable by the server account,
/// unlike /var/run/postgresql, and never shared with another cluster);</item>
/// <item><c>priceingest.conf</c>: our settings, rewritten at every start and included from postgresql.conf;</item>
/// <item><c>pg_hba.conf</c>: ours too, rewritten at every start (password authentication only);</item>
/// <item><c>priceingest.pgpass</c>: the superuser's generated password (pgpass format, mode 0600),
/// which connection strings name as their <c>Passfile</c> instead of carrying the secret.</item>
/// </list>
/// </summary>
internal sealed class DataDirectoryLayout(string dataDirectory)
{
    /// <summary>sun_path holds 108 bytes including the terminating NUL.</summary>
    private const int MaxSocketPathBytes = 107;

    public string DataDirectory { get; } = Path.GetFullPath(dataDirectory);

    public string LogDirectory => Path.Combine(DataDirectory, "log");

    public string LogFile => Path.Combine(LogDirectory, "server.log");

    public string SocketDirectory => Path.Combine(DataDirectory, "sockets");

    public const string IncludeFileName = "priceingest.conf";

    public string IncludeFile => Path.Combine(DataDirectory, IncludeFileName);

    public string MainConfigFile => Path.Combine(DataDirectory, "postgresql.conf");

    public string HbaFile => Path.Combine(DataDirectory, "pg_hba.conf");

    public string PassFile => Path.Combine(DataDirectory, "priceingest.pgpass");

    public string PidFile => Path.Combine(DataDirectory, "postmaster.pid");

    public bool IsInitialized => File.Exists(Path.Combine(DataDirectory, "PG_VERSION"));

    /// <summary>
    /// The unix_socket_directories value: our sockets folder, or empty (Unix sockets off; clients use
    /// TCP anyway) when the data folder path is too long for a socket path.
    /// </summary>
    public string SocketDirectorySetting =>
        Encoding.UTF8.GetByteCount(Path.Combine(SocketDirectory, ".s.PGSQL.65535.lock")) <= MaxSocketPathBytes ? SocketDirectory : string.Empty;

    public bool IsEmptyOrMissing => !Directory.Exists(DataDirectory) || !Directory.EnumerateFileSystemEntries(DataDirectory).Any();
}
