using System.Collections.Immutable;
using Npgsql;

namespace PriceIngest.Grains.Membership;

/// <summary>
/// The <c>silos</c> table: every statement of the membership protocol. Each change of status
/// NOTIFYs <see cref="ChangeChannel"/> in the same transaction, so gateways hear of it at once
/// (and their periodic refresh repairs a lost notification).
/// </summary>
public sealed class MembershipTable(NpgsqlDataSource dataSource)
{
    public const string ChangeChannel = "silos_changed";

    public async Task RegisterAsync(Guid id, string endpoint, string version, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new("""
            insert into silos (id, endpoint, status, version) values ($1, $2, 'joining', $3)
            """) { Parameters = { new() { Value = id }, new() { Value = endpoint }, new() { Value = version } } });
        batch.BatchCommands.Add(Notify());
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Moves a live row to <paramref name="status"/>; false when the row is gone or dead.</summary>
    public async Task<bool> SetStatusAsync(Guid id, string status, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new("""
            update silos set status = $2, heartbeat_at = now() where id = $1 and status <> 'dead'
            """) { Parameters = { new() { Value = id }, new() { Value = status } } });
        batch.BatchCommands.Add(Notify());
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return batch.BatchCommands[0].RecordsAffected > 0;
    }

    /// <summary>
    /// Renews the heartbeat. False means this incarnation is dead: its row was marked dead or
    /// deleted, or its last heartbeat is already older than <paramref name="deadAfter"/> (then
    /// everyone else treats it as dead too, marked or not).
    /// </summary>
    public async Task<bool> HeartbeatAsync(Guid id, TimeSpan deadAfter, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            update silos set heartbeat_at = now()
            where id = $1 and status <> 'dead' and heartbeat_at >= now() - $2
            """);
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = deadAfter });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>Marks silos with stale heartbeats dead and deletes long-dead rows; returns how many were marked.</summary>
    public async Task<int> SweepAsync(TimeSpan deadAfter, TimeSpan cleanupAfter, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new("""
            update silos set status = 'dead' where status <> 'dead' and heartbeat_at < now() - $1
            """) { Parameters = { new() { Value = deadAfter } } });
        batch.BatchCommands.Add(new("""
            delete from silos where status = 'dead' and heartbeat_at < now() - $1
            """) { Parameters = { new() { Value = cleanupAfter } } });
        await batch.ExecuteNonQueryAsync(cancellationToken);
        var marked = batch.BatchCommands[0].RecordsAffected;
        if (marked > 0)
        {
            await NotifyAsync(cancellationToken);
        }

        return marked;
    }

    public async Task RemoveAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new("delete from silos where id = $1") { Parameters = { new() { Value = id } } });
        batch.BatchCommands.Add(Notify());
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Silos with a fresh heartbeat that are joining, active or draining, oldest first.</summary>
    public async Task<ImmutableArray<SiloEntry>> ReadLiveAsync(TimeSpan deadAfter, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            select id, endpoint, status, version from silos
            where status <> 'dead' and heartbeat_at >= now() - $1
            order by started_at, id
            """);
        command.Parameters.Add(new() { Value = deadAfter });
        var silos = ImmutableArray.CreateBuilder<SiloEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            silos.Add(new(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }

        return silos.ToImmutable();
    }

    private async Task NotifyAsync(CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(Notify());
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand Notify() => new($"select pg_notify('{ChangeChannel}', '')");
}
