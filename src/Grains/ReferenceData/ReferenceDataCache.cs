using Npgsql;

namespace PriceIngest.Grains.ReferenceData;

/// <summary>
/// The silo's copy of ports and regions. Reloaded after every change made through this process;
/// batches validate against it instead of per-row foreign keys.
/// </summary>
public sealed class ReferenceDataCache(NpgsqlDataSource dataSource)
{
    private volatile ReferenceSnapshot _current = ReferenceSnapshot.Empty;

    public ReferenceSnapshot Current => _current;

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        // Both lists from one snapshot so a port never points at a region we did not read.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);

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
    }
}
