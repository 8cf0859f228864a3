using Npgsql;

namespace PriceIngest.Grains.Storage;

/// <summary>
/// Every pool of connections to the prices database in this process (reads, uploads, and the
/// connection-string pools Orleans's ADO.NET providers use). After the server restarted, their idle
/// connections are dead: cleared, the next call opens a fresh one instead of failing on a stale one.
/// </summary>
public sealed class DatabasePools
{
    private readonly NpgsqlDataSource _prices;
    private readonly UploadConnections _uploads;

    internal DatabasePools(NpgsqlDataSource prices, UploadConnections uploads) => (_prices, _uploads) = (prices, uploads);

    public void Clear()
    {
        _prices.Clear();
        _uploads.Clear();
        NpgsqlConnection.ClearAllPools();
    }
}
