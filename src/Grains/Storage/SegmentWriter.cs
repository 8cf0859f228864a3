using System.Buffers.Binary;
using System.Collections.Immutable;
using Npgsql;
using PriceIngest.Grains.Batches;

namespace PriceIngest.Grains.Storage;

/// <summary>
/// Writes one batch as one price segment, in one transaction: create the segment table, binary
/// COPY FREEZE the sorted rows, index it, attach it, bump the commit counter, record the batch as
/// committed and NOTIFY. If anything fails, PostgreSQL rolls all of it back.
/// </summary>
internal static class SegmentWriter
{
    public const string CommitChannel = "price_commits";

    // PGCOPY binary header: signature, flags, header extension length.
    private static ReadOnlySpan<byte> CopyHeader =>
        [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];

    private const int RowBytes = 2 + (3 * 8);

    /// <param name="beforeCommit">Told the commit sequence and segment just before COMMIT is sent.</param>
    public static async Task<(CommittedRecord Record, CommitTimings Timings)> CommitAsync(
        NpgsqlConnection connection, string batchId, string? source, StagedRows rows, ImmutableArray<CurrencyCount> converted, Action<long, int> beforeCommit,
        CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        int segment;
        string table;
        await using (var create = new NpgsqlCommand("select s, create_price_segment(s) from (select nextval('price_segments')::int as s) n", connection, transaction))
        await using (var reader = await create.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            segment = reader.GetInt32(0);
            table = reader.GetString(1);
        }

        await CopyAsync(connection, table, rows, cancellationToken);
        var copied = System.Diagnostics.Stopwatch.GetTimestamp();

        await using (var attach = new NpgsqlCommand("""
            with attached as (select attach_price_segment($1))
            insert into segments (seg, rows) select $1, $2 from attached
            """, connection, transaction))
        {
            attach.Parameters.Add(new() { Value = segment });
            attach.Parameters.Add(new() { Value = (long)rows.Count });
            await attach.ExecuteNonQueryAsync(cancellationToken);
        }

        var indexed = System.Diagnostics.Stopwatch.GetTimestamp();

        // Last, so the counter's row lock is held only for the instant before COMMIT.
        await using var finish = new NpgsqlCommand("""
            with c as (update commit_counter set seq = seq + 1 returning seq)
            insert into batches (id, state, source, items, commit_seq, seg, converted, finished_at)
            select $1, 'committed', $2, $3, c.seq, $4, $5, clock_timestamp() from c
            on conflict (id) do update set
                state = 'committed', source = excluded.source, items = excluded.items, invalid_items = 0,
                errors = null, reason = null, commit_seq = excluded.commit_seq, seg = excluded.seg,
                converted = excluded.converted, finished_at = excluded.finished_at
            where batches.state <> 'committed'
            returning commit_seq, received_at, finished_at, pg_notify('price_commits', commit_seq::text)
            """, connection, transaction);
        finish.Parameters.Add(new() { Value = batchId });
        finish.Parameters.Add(new() { Value = (object?)source ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        finish.Parameters.Add(new() { Value = (long)rows.Count });
        finish.Parameters.Add(new() { Value = segment });
        finish.Parameters.Add(new() { Value = BatchStore.ConvertedJson(converted), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb });
        // No row: the id is committed already (only possible if the advisory lock was bypassed,
        // e.g. behind a transaction-pooling proxy). Throwing rolls this copy back: exactly once.
        CommittedRecord record;
        await using (var reader = await finish.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException($"batch '{batchId}' is already committed");
            }

            record = new(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<DateTimeOffset>(2));
        }

        // Not cancellable: once COMMIT is sent, the caller must learn the real outcome.
        beforeCommit(record.CommitSeq, segment);
        await transaction.CommitAsync(CancellationToken.None);
        var timings = new CommitTimings(
            System.Diagnostics.Stopwatch.GetElapsedTime(started, copied),
            System.Diagnostics.Stopwatch.GetElapsedTime(copied, indexed),
            System.Diagnostics.Stopwatch.GetElapsedTime(indexed));
        return (record, timings);
    }

    private static async Task CopyAsync(NpgsqlConnection connection, string table, StagedRows rows, CancellationToken cancellationToken)
    {
        // FREEZE is allowed because the table was created in this transaction: rows are written
        // frozen, so no later hint-bit or anti-wraparound rewrite of the segment.
        await using var copy = await connection.BeginRawBinaryCopyAsync(
            $"copy \"{table}\" (lane, day, price) from stdin (format binary, freeze)", cancellationToken);

        var buffer = new byte[64 * 1024];
        CopyHeader.CopyTo(buffer);
        var used = CopyHeader.Length;
        for (var i = 0; i < rows.Count; i++)
        {
            if (used + RowBytes + 2 > buffer.Length)
            {
                await copy.WriteAsync(buffer.AsMemory(0, used), cancellationToken);
                used = 0;
            }

            var key = rows.Keys[i];
            WriteRow(buffer.AsSpan(used), StagedRows.LaneOf(key), (int)(key & 0xFFFFFFFF), rows.Prices[i]);
            used += RowBytes;
        }

        BinaryPrimitives.WriteInt16BigEndian(buffer.AsSpan(used), -1);
        await copy.WriteAsync(buffer.AsMemory(0, used + 2), cancellationToken);
    }

    private static void WriteRow(Span<byte> target, int lane, int pgDay, int price)
    {
        BinaryPrimitives.WriteInt16BigEndian(target, 3);
        BinaryPrimitives.WriteInt32BigEndian(target[2..], 4);
        BinaryPrimitives.WriteInt32BigEndian(target[6..], lane);
        BinaryPrimitives.WriteInt32BigEndian(target[10..], 4);
        BinaryPrimitives.WriteInt32BigEndian(target[14..], pgDay);
        BinaryPrimitives.WriteInt32BigEndian(target[18..], 4);
        BinaryPrimitives.WriteInt32BigEndian(target[22..], price);
    }
}
