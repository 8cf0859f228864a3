using PriceIngest.EmbeddedPostgres;

namespace PriceIngest.Silo.LocalMode;

/// <summary>
/// Local mode's private PostgreSQL: started when no connection string is configured, in a kept
/// data folder, with settings that suit bulk loads (see docs on storage), stopped with the silo.
/// </summary>
internal static class LocalPostgres
{
    public static Task<PostgresServer> StartAsync(string dataDirectory, ILogger logger, CancellationToken cancellationToken) =>
        PostgresServer.StartAsync(
            new PostgresServerOptions
            {
                DataDirectory = Path.GetFullPath(dataDirectory),
                Settings = new Dictionary<string, string>
                {
                    ["shared_buffers"] = "1GB",
                    ["max_wal_size"] = "4GB",
                    ["checkpoint_timeout"] = "30min",
                },
            },
            logger,
            cancellationToken);
}
