using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using PriceIngest.Grains.Batches;

namespace PriceIngest.Grains.Storage;

/// <summary>
/// The batches table and the "one live owner per batch id" lock. The lock is a session advisory
/// lock keyed by a 64-bit hash of the id: it is held by whichever connection (on any silo) is
/// uploading that id and vanishes with that connection, so a dead uploader never blocks a retry.
/// </summary>
internal static class BatchStore
{
    public static long LockKey(string batchId) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("batch:" + batchId)), 0) & long.MaxValue;

    public static async Task<bool> TryLockAsync(NpgsqlConnection connection, string batchId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("select pg_try_advisory_lock($1)", connection);
        command.Parameters.Add(new() { Value = LockKey(batchId) });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public static async Task UnlockAsync(NpgsqlConnection connection, string batchId)
    {
        await using var command = new NpgsqlCommand("select pg_advisory_unlock($1)", connection);
        command.Parameters.Add(new() { Value = LockKey(batchId) });
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Reads the recorded outcome; a 'receiving' row whose owner is gone reads as aborted.</summary>
    public static async Task<BatchOutcome?> ReadAsync(NpgsqlConnection connection, string batchId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            select state, items, commit_seq, invalid_items, errors, reason, received_at, finished_at, converted,
                   exists (select 1 from pg_locks l where l.locktype = 'advisory' and l.granted and l.objsubid = 1
                           and l.database = (select oid from pg_database where datname = current_database())
                           and ((l.classid::bigint << 32) | l.objid::bigint) = $2) as owned
            from batches where id = $1
            """, connection);
        command.Parameters.Add(new() { Value = batchId });
        command.Parameters.Add(new() { Value = LockKey(batchId) });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var state = Enum.Parse<BatchState>(reader.GetString(0), ignoreCase: true);
        var reason = reader.IsDBNull(5) ? null : reader.GetString(5);
        if (state == BatchState.Receiving && !reader.GetBoolean(9))
        {
            state = BatchState.Aborted;
            reason = "the upload was interrupted before it finished; nothing was written";
        }

        return new BatchOutcome(
            batchId,
            state,
            reader.GetInt64(1),
            reader.IsDBNull(2) ? null : reader.GetInt64(2),
            reader.GetInt64(3),
            reader.IsDBNull(4) ? [] : JsonSerializer.Deserialize<ImmutableArray<ItemError>>(reader.GetString(4)),
            reason,
            reader.GetFieldValue<DateTimeOffset>(6),
            reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
            reader.IsDBNull(8) ? [] : [.. JsonSerializer.Deserialize<SortedDictionary<string, long>>(reader.GetString(8))!.Select(c => new CurrencyCount(c.Key, c.Value))]);
    }

    /// <summary>The <c>converted</c> column: <c>{"EUR": 1000, ...}</c>, or null when nothing was converted.</summary>
    public static object ConvertedJson(ImmutableArray<CurrencyCount> converted) =>
        converted.IsDefaultOrEmpty ? DBNull.Value : JsonSerializer.Serialize(converted.ToDictionary(c => c.Currency, c => c.Items));

    /// <remarks>
    /// Committed without waiting for the WAL flush (one fsync less per batch): the row only shows
    /// the upload in progress, and losing it in a database crash loses nothing (the upload, whose
    /// connection dies too, is retried with the same id).
    /// </remarks>
    public static async Task MarkReceivingAsync(NpgsqlConnection connection, string batchId, string? source, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            insert into batches (id, state, source)
            select $1, 'receiving', $2 from (select set_config('synchronous_commit', 'off', true)) async_commit
            on conflict (id) do update set state = 'receiving', source = excluded.source, items = 0, invalid_items = 0,
                errors = null, reason = null, received_at = clock_timestamp(), finished_at = null
            where batches.state <> 'committed'
            """, connection);
        command.Parameters.Add(new() { Value = batchId });
        command.Parameters.Add(new() { Value = (object?)source ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records a rejection or an abort; never touches a committed row.</summary>
    public static async Task MarkFinishedAsync(NpgsqlConnection connection, BatchOutcome outcome, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            insert into batches (id, state, items, invalid_items, errors, reason, finished_at)
            values ($1, $2, $3, $4, $5, $6, clock_timestamp())
            on conflict (id) do update set state = excluded.state, items = excluded.items,
                invalid_items = excluded.invalid_items, errors = excluded.errors, reason = excluded.reason,
                finished_at = excluded.finished_at
            where batches.state <> 'committed'
            """, connection);
        command.Parameters.Add(new() { Value = outcome.BatchId });
        command.Parameters.Add(new() { Value = outcome.State.ToString().ToLowerInvariant() });
        command.Parameters.Add(new() { Value = outcome.Items });
        command.Parameters.Add(new() { Value = outcome.InvalidItems });
        command.Parameters.Add(new()
        {
            Value = outcome.Errors.IsDefaultOrEmpty ? DBNull.Value : JsonSerializer.Serialize(outcome.Errors),
            NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb,
        });
        command.Parameters.Add(new() { Value = (object?)outcome.Reason ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
