using System.Collections.Frozen;
using System.Text;

namespace PriceIngest.EmbeddedPostgres;

/// <summary>
/// How to run a private PostgreSQL server (see <see cref="PostgresServer.StartAsync"/>).
/// Every property has a usable default: <c>new PostgresServerOptions()</c> gives a throwaway,
/// durable cluster on a free loopback port.
/// </summary>
public sealed record PostgresServerOptions
{
    /// <summary>Name of the database created (if missing) on start and used by <see cref="PostgresServer.ConnectionString"/>.</summary>
    public const string DefaultDatabase = "priceingest";

    /// <summary>
    /// Data folder of the cluster. Default <c>null</c>: a fresh throwaway folder under the temp
    /// directory, deleted when the server is disposed. A given folder is created if missing,
    /// initialised with initdb only when it holds no <c>PG_VERSION</c> file, and kept across restarts.
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>
    /// TCP port on 127.0.0.1. Default 0: pick a free port; if another process grabs it before the
    /// server binds it, a few other ports are tried.
    /// </summary>
    public int Port { get; init; }

    /// <summary>Database created if missing and named in the connection string. Default <c>"priceingest"</c>.</summary>
    public string Database { get; init; } = DefaultDatabase;

    /// <summary>
    /// Folder holding initdb, pg_ctl and postgres. Default <c>null</c>: the <c>PRICEINGEST_PG_BIN</c>
    /// environment variable, else <c>pg_config --bindir</c>, else the highest <c>/usr/lib/postgresql/*/bin</c>.
    /// </summary>
    public string? BinDirectory { get; init; }

    /// <summary>
    /// Default <c>true</c>. <c>false</c> sets fsync, synchronous_commit and full_page_writes off (and
    /// skips initdb's final sync): much faster, but a crash of the machine can corrupt the cluster.
    /// Use it only for throwaway test clusters.
    /// </summary>
    public bool Durable { get; init; } = true;

    /// <summary>
    /// Extra postgresql.conf settings applied on top of the defaults (listen_addresses='127.0.0.1',
    /// max_connections=200, shared_buffers=256MB, max_wal_size=4GB, checkpoint_timeout=30min,
    /// wal_compression=off, server log in <c>log/server.log</c> inside the data folder).
    /// Default: none. <c>port</c> and <c>listen_addresses</c> cannot be set here: the port comes from
    /// <see cref="Port"/>, and the server must stay loopback-only because it trusts every local connection.
    /// </summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = FrozenDictionary<string, string>.Empty;

    /// <summary>
    /// Time budget for the whole of <see cref="PostgresServer.StartAsync"/>: initdb, start-up
    /// (including crash recovery) and the first successful connection. Each step gets what is left;
    /// pg_ctl waits in whole seconds, so a start can overrun by up to a second. Stopping a leftover
    /// server and cleaning up after a failure have their own fixed limits. Default 60 seconds.
    /// </summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    internal void Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "Port must be 0 (pick a free port) or a TCP port number.");
        }

        ValidateDatabaseName(Database, nameof(Database));

        if (StartTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(StartTimeout), StartTimeout, "StartTimeout must be positive.");
        }

        if (DataDirectory is not null && string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new ArgumentException("DataDirectory must be null (throwaway folder) or a path.", nameof(DataDirectory));
        }

        ArgumentNullException.ThrowIfNull(Settings, nameof(Settings));
        ServerConfiguration.ValidateSettings(Settings);
    }

    internal static void ValidateDatabaseName(string? name, string parameterName)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('\0', StringComparison.Ordinal) || Encoding.UTF8.GetByteCount(name) > 63)
        {
            throw new ArgumentException("A database name must be 1 to 63 bytes long and contain no NUL character.", parameterName);
        }
    }
}
