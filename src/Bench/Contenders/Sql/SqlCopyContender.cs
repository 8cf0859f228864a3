using Npgsql;
using PriceIngest.Bench.Data;
using PriceIngest.Bench.Measurement;

namespace PriceIngest.Bench.Contenders.Sql;

/// <summary>
/// A plain-SQL ingest: binary COPY (Npgsql's importer, from this process) of the batch's rows into
/// one table in one transaction; timed from BEGIN to COMMIT on an open pooled connection.
/// </summary>
public sealed class SqlCopyContender : IIngestContender
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly ReferenceData _reference;
    private readonly string _copy;
    private readonly bool _ids;

    private SqlCopyContender(NpgsqlDataSource dataSource, ReferenceData reference, string key, string name, string copy, bool ids)
    {
        _dataSource = dataSource;
        _reference = reference;
        Key = key;
        Name = name;
        _copy = copy;
        _ids = ids;
    }

    public string Key { get; }

    public string Name { get; }

    /// <summary>(a) the limit: the rows as sent (text codes) into an unindexed table.</summary>
    public static SqlCopyContender UnindexedCodes(NpgsqlDataSource dataSource, ReferenceData reference) =>
        new(dataSource, reference, "a", "(a) binary COPY, text codes, unindexed",
            "copy bench.unindexed_codes (orig_code, dest_code, day, price) from stdin (format binary)", ids: false);

    /// <summary>(a') a stricter limit: one int lane id per row, as the service stores them, into an unindexed table.</summary>
    public static SqlCopyContender UnindexedIds(NpgsqlDataSource dataSource, ReferenceData reference) =>
        new(dataSource, reference, "a_ids", "(a') binary COPY, int lane ids, unindexed",
            "copy bench.unindexed_ids (lane, day, price) from stdin (format binary)", ids: true);

    /// <summary>(b) the textbook table: text codes, foreign keys to ports, btree (origin, destination, day).</summary>
    public static SqlCopyContender Textbook(NpgsqlDataSource dataSource, ReferenceData reference) =>
        new(dataSource, reference, "b", "(b) textbook: codes, 2 FKs, btree",
            "copy bench.textbook (orig_code, dest_code, day, price) from stdin (format binary)", ids: false);

    public async Task<IngestTiming> IngestAsync(IngestBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var started = Elapsed.Now();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var copied = _ids
            ? await BinaryCopy.IdsAsync(connection, _copy, batch.Rows, cancellationToken)
            : await BinaryCopy.CodesAsync(connection, _copy, _reference, batch.Rows, cancellationToken);
        var copiedAt = Elapsed.Now();
        await transaction.CommitAsync(cancellationToken);
        var committed = Elapsed.Now();
        if (copied != (ulong)batch.Rows.Length)
        {
            throw new InvalidOperationException($"{Name}: COPY wrote {copied} rows of {batch.Rows.Length}");
        }

        return new(Elapsed.MillisecondsBetween(started, committed), new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["COPY"] = Elapsed.MillisecondsBetween(started, copiedAt),
            ["COMMIT"] = Elapsed.MillisecondsBetween(copiedAt, committed),
        });
    }
}
