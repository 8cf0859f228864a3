using Npgsql;
using PriceIngest.EmbeddedPostgres;

namespace PriceIngest.Bench.Hosting;

/// <summary>
/// The PostgreSQL the run uses: a throwaway durable cluster of its own (with the settings that
/// mattered in docs/storage.md, plus pg_stat_statements for the ingest phase breakdown), or a
/// given connection string to an empty database.
/// </summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    /// <summary>The settings the throwaway cluster runs with (on top of EmbeddedPostgres' defaults).</summary>
    public static readonly IReadOnlyDictionary<string, string> Settings = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["shared_buffers"] = "1GB",
        ["max_wal_size"] = "4GB",
        ["checkpoint_timeout"] = "30min",
        ["shared_preload_libraries"] = "pg_stat_statements,auto_explain",
        ["pg_stat_statements.track"] = "all",
        ["pg_stat_statements.max"] = "10000",
        // Plans (estimated, not analysed: no overhead) of statements slower than this go to the server log.
        ["auto_explain.log_min_duration"] = "250ms",
    };

    private readonly PostgresServer? _server;

    private BenchDatabase(string connectionString, PostgresServer? server)
    {
        ConnectionString = connectionString;
        _server = server;
    }

    public string ConnectionString { get; }

    /// <summary>True when the bench started the cluster itself (and may read its server log).</summary>
    public bool Embedded => _server is not null;

    public string? DataDirectory => _server?.DataDirectory;

    /// <summary>The throwaway cluster's server log (with auto_explain's plans), or null.</summary>
    public string? ServerLogPath => _server is null ? null : Path.Combine(_server.DataDirectory, "log", "server.log");

    public static async Task<BenchDatabase> OpenAsync(string? connectionString, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            await EnsureEmptyAsync(connectionString, cancellationToken);
            return new(connectionString, null);
        }

        var server = await PostgresServer.StartAsync(
            new PostgresServerOptions { Durable = true, Settings = Settings, StartTimeout = TimeSpan.FromMinutes(2) },
            cancellationToken: cancellationToken);
        return new(server.ConnectionString, server);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>The service's answers are compared with SQL over the bench's own data: a database with prices of its own would differ.</summary>
    private static async Task EnsureEmptyAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var check = new NpgsqlCommand("select case when to_regclass('public.batches') is null then 0 else 1 end", connection);
        if ((int)(await check.ExecuteScalarAsync(cancellationToken))! != 0)
        {
            throw new InvalidOperationException(
                "the database given with --connection-string already holds a PriceIngest schema; the bench needs an empty database (it loads its own data and compares answers with it)");
        }
    }
}
