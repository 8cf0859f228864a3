using Npgsql;

namespace PriceIngest.Grains.Storage;

/// <summary>
/// Connections that hold a batch id's lock for a whole upload (while the body streams in) come
/// from their own pool, sized by Ingest:MaxConcurrentUploads, so slow uploads can never starve
/// lane loads, the commit feed or health checks. When it is full, opening fails after a few
/// seconds and the client gets 503 (retry later) instead of a hang.
/// </summary>
internal sealed class UploadConnections(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>Drops idle connections (dead after a database restart); busy ones close when returned.</summary>
    public void Clear() => dataSource.Clear();

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    public static UploadConnections Create(string connectionString, int maxConcurrentUploads) =>
        new(new NpgsqlDataSourceBuilder(connectionString)
        {
            Name = "uploads",
            ConnectionStringBuilder = { MaxPoolSize = maxConcurrentUploads, Timeout = 5 },
        }.Build());
}
