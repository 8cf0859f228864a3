using Npgsql;
using PriceIngest.Grains.Storage;

namespace PriceIngest.Grains.Lanes;

/// <summary>
/// The lanes that hold at least one price, as this silo knows them: loaded when the silo starts and
/// grown by the commit feed before it makes a commit visible (before the watermark moves), so a read
/// that waited for commit N finds every lane that commit N gave its first prices. Prices are never
/// deleted, so the set only grows, and a lane outside it is known to be empty: a region query skips
/// it without a grain call (most lanes between two regions never see a price).
/// </summary>
public sealed class LaneDirectory(NpgsqlDataSource dataSource)
{
    // One bitmap of destinations per origin, allocated on the origin's first lane: with 15-bit port
    // ids a lane is one bit of at most 4 KiB per origin, and a lookup is two array reads, no lock.
    private const int WordsPerOrigin = (LaneKey.MaxPortId + 1) / 64;

    private const int MaxIndexAttempts = 5;

    private readonly long[]?[] _byOrigin = new long[]?[LaneKey.MaxPortId + 1];
    private int _count;
    private volatile bool _loaded;

    /// <summary>How many lanes are known to hold prices.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// False only when the lane is known to hold no price. Until the first load, and for ids no
    /// port pair can make, every lane may hold prices.
    /// </summary>
    public bool MayHavePrices(int lane)
    {
        var origin = LaneKey.Origin(lane);
        var destination = LaneKey.Destination(lane);
        if (!_loaded || lane < 0 || origin > LaneKey.MaxPortId || destination > LaneKey.MaxPortId)
        {
            return true;
        }

        var row = Volatile.Read(ref _byOrigin[origin]);
        return row is not null && (Volatile.Read(ref row[destination >> 6]) & (1L << destination)) != 0;
    }

    /// <summary>Records that <paramref name="lane"/> holds prices (idempotent, thread-safe).</summary>
    public void Add(int lane)
    {
        var origin = LaneKey.Origin(lane);
        var destination = LaneKey.Destination(lane);
        if (lane < 0 || origin > LaneKey.MaxPortId || destination > LaneKey.MaxPortId)
        {
            // Never stored (port ids are 1..32767), and MayHavePrices answers true for it anyway.
            return;
        }

        var row = Volatile.Read(ref _byOrigin[origin]);
        if (row is null)
        {
            row = Interlocked.CompareExchange(ref _byOrigin[origin], new long[WordsPerOrigin], null) ?? _byOrigin[origin]!;
        }

        var bit = 1L << destination;
        if ((Interlocked.Or(ref row[destination >> 6], bit) & bit) == 0)
        {
            Interlocked.Increment(ref _count);
        }
    }

    /// <summary>
    /// Adds every lane that has a price in the database now. The caller reads its commit watermark
    /// before this, so the set covers at least every commit up to it (later commits only add lanes).
    /// </summary>
    /// <remarks>
    /// The scan reads the partitioned parent, so it first takes the SHARE lock on it (as the lane
    /// loader does; it conflicts with ATTACH and DETACH): PostgreSQL makes a commit visible before it
    /// broadcasts the catalog change of its ATTACH, and a pooled backend that had planned on
    /// <c>prices</c> before could otherwise plan with a partition list lacking a segment the
    /// watermark already counts, and miss its lanes for good (the set only grows per commit). The
    /// lock waits for such a commit's last step and makes the backend take in the change.
    /// </remarks>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            // The loose scan below descends btrees; over a segment with only its BRIN (between its
            // commit and SegmentIndexer) every step would read the rest of that segment. So build
            // any missing btree first, then check, under the lock that holds off new attaches,
            // that none is missing still (a commit may have come in between).
            await SegmentIndexes.BuildPendingAsync(connection, cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var lockParent = new NpgsqlCommand("lock table only prices in share mode", connection, transaction))
            {
                await lockParent.ExecuteNonQueryAsync(cancellationToken);
            }

            // Under a constant stream of commits, give up waiting after a few tries: slower, still right.
            if (attempt < MaxIndexAttempts && (await SegmentIndexes.PendingAsync(connection, transaction, cancellationToken)).Count > 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                continue;
            }

            await ScanAsync(connection, transaction, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            _loaded = true;
            return;
        }
    }

    private async Task ScanAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // A loose index scan: one descent of the (lane, day) indexes per distinct lane, instead of
        // reading every price.
        await using var command = new NpgsqlCommand("""
            with recursive l(lane) as (
                select min(lane) from prices
                union all
                select (select min(p.lane) from prices p where p.lane > l.lane) from l where l.lane is not null
            )
            select lane from l where lane is not null
            """, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            Add(reader.GetInt32(0));
        }
    }
}
