using Npgsql;

namespace PriceIngest.Bench.Measurement;

/// <summary>
/// Where the service spends its database time, from pg_stat_statements (tracking nested statements
/// too): reset before an operation, read after it. Only the throwaway cluster preloads the
/// extension; elsewhere <see cref="TryEnableAsync"/> says no and the breakdown is left out.
/// </summary>
public sealed class StatementStatistics(NpgsqlDataSource dataSource)
{
    /// <summary>The phase of the service's lane loads (PriceGrain activations).</summary>
    public const string LaneLoads = "db: lane loads";

    /// <summary>The segment's covering btree, built by the silo after it answered (SegmentIndexer).</summary>
    public const string BackgroundBtree = "db: btree, after the answer (background)";

    /// <summary>The phase of the commit feed reading a committed segment back from the database.</summary>
    public const string SegmentReadBack = "db: commit feed reads a segment back";

    // Matched in order on the statement text. Top-level calls include their nested statements, listed as "of which".
    // COMMIT is left out: pg_stat_statements times the statement, not the commit work after it (the silo's own "commit" phase has it).
    private static readonly (Func<string, bool> Matches, string Phase)[] Phases =
    [
        (q => q.Contains("create_price_segment", StringComparison.Ordinal), "db: create segment table"),
        (q => q.StartsWith("create table prices_s", StringComparison.Ordinal), "db:   of which create table"),
        (q => q.StartsWith("copy \"prices_s", StringComparison.Ordinal) || q.StartsWith("copy prices_s", StringComparison.Ordinal), "db: COPY into segment"),
        (q => q.Contains("attach_price_segment", StringComparison.Ordinal), "db: BRIN + attach"),
        (q => q.Contains("index_price_segment", StringComparison.Ordinal), BackgroundBtree),
        (q => q.StartsWith("create index", StringComparison.Ordinal) && q.Contains("using brin", StringComparison.Ordinal), "db:   of which create BRIN"),
        (q => q.StartsWith("create index", StringComparison.Ordinal), "db:   of which create btree (background)"),
        (q => q.StartsWith("alter table prices attach partition", StringComparison.Ordinal), "db:   of which attach partition"),
        (q => q.Contains("update commit_counter", StringComparison.Ordinal), "db: batch record, counter, notify"),
        (q => q.Contains("from prices p where p.lane = l.lane", StringComparison.Ordinal), LaneLoads),
        (q => q.Contains("from prices_s", StringComparison.Ordinal), SegmentReadBack),
    ];

    /// <summary>Unmatched statements taking longer than this are listed by their text.</summary>
    private const double ListAboveMilliseconds = 5;

    public async Task<bool> TryEnableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var create = dataSource.CreateCommand("create extension if not exists pg_stat_statements");
            await create.ExecuteNonQueryAsync(cancellationToken);
            await using var probe = dataSource.CreateCommand("select count(*) from pg_stat_statements");
            await probe.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (PostgresException)
        {
            return false;
        }
    }

    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        await using var reset = dataSource.CreateCommand("select pg_stat_statements_reset()");
        await reset.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Execution time (ms) and calls per phase since the last reset, in this database; statements of
    /// the silo that match no phase are summed as "db: other"; the bench's own (on schema bench)
    /// are left out.
    /// </summary>
    public async Task<Dictionary<string, (double Milliseconds, long Calls)>> ReadAsync(CancellationToken cancellationToken)
    {
        await using var read = dataSource.CreateCommand("""
            select s.query, s.total_exec_time, s.calls from pg_stat_statements s
            where s.dbid = (select oid from pg_database where datname = current_database())
              and s.query not like '%pg_stat_statements%'
              and s.query not like '%bench.%'
            """);
        var phases = Phases.ToDictionary(p => p.Phase, _ => (0.0, 0L), StringComparer.Ordinal);
        phases["db: other"] = (0, 0);
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var query = reader.GetString(0).TrimStart();
            var (ms, calls) = (reader.GetDouble(1), reader.GetInt64(2));
            var phase = Phases.FirstOrDefault(p => p.Matches(query)).Phase;
            if (phase is null && ms > ListAboveMilliseconds)
            {
                phase = "db: other: " + Shorten(query);
            }

            phase ??= "db: other";
            var (sum, count) = phases.GetValueOrDefault(phase);
            phases[phase] = (sum + ms, count + calls);
        }

        return phases;
    }

    private static string Shorten(string query)
    {
        var text = string.Join(' ', query.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return text.Length <= 60 ? text : text[..60] + "...";
    }
}
