using Npgsql;

namespace PriceIngest.Grains.ReferenceData;

/// <summary>
/// The silo's copy of ports and regions; batches validate against it instead of per-row foreign
/// keys. Every reference upload bumps <c>reference_version</c> (and NOTIFYs); each silo reloads
/// when it sees a newer version: right after its own uploads, when the silo that made one asks
/// (<see cref="ReferenceBroadcast"/>), and on the commit feed's NOTIFY and poll.
/// </summary>
public sealed class ReferenceDataCache(NpgsqlDataSource dataSource) : IDisposable
{
    public const string ChangeChannel = "reference_changed";

    // Reloads run one at a time, so a slow older read can never replace a newer snapshot.
    private readonly SemaphoreSlim _reload = new(1, 1);
    private volatile ReferenceSnapshot _current = ReferenceSnapshot.Empty;
    private long _version = -1;

    public ReferenceSnapshot Current => _current;

    /// <summary>Reloads when the database holds a newer version than this silo has.</summary>
    public async Task ReloadIfChangedAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select version from reference_version");
        if ((long)(await command.ExecuteScalarAsync(cancellationToken))! != Interlocked.Read(ref _version))
        {
            await ReloadAsync(cancellationToken);
        }
    }

    /// <summary>Reloads unless this silo already has <paramref name="version"/> or a newer one.</summary>
    public Task ReloadIfOlderAsync(long version, CancellationToken cancellationToken) =>
        Interlocked.Read(ref _version) >= version ? Task.CompletedTask : ReloadAsync(cancellationToken);

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await _reload.WaitAsync(cancellationToken);
        try
        {
            await LoadAsync(cancellationToken);
        }
        finally
        {
            _reload.Release();
        }
    }

    public void Dispose() => _reload.Dispose();

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        // Everything from one snapshot so a port never points at a region we did not read.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);

        long version;
        await using (var command = new NpgsqlCommand("select version from reference_version", connection, transaction))
        {
            version = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        var regions = new List<Region>();
        await using (var command = new NpgsqlCommand("select slug, name, parent_slug from regions", connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                regions.Add(new(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
            }
        }

        var ports = new List<Port>();
        await using (var command = new NpgsqlCommand("select id, code, name, region_slug from ports", connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                ports.Add(new(reader.GetInt16(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        _current = new ReferenceSnapshot(ports, regions);
        Interlocked.Exchange(ref _version, version);
    }
}
