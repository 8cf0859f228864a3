using System.Globalization;
using Npgsql;

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

    /// <summary>
    /// False only when no lane from or to the port is known to hold prices (as of this silo's commit
    /// feed; true for every port until the first load). One pass over the origins: for reference
    /// uploads, not the read path.
    /// </summary>
    public bool PortMayHavePrices(int portId)
    {
        if (!_loaded || portId < 1 || portId > LaneKey.MaxPortId)
        {
            return true;
        }

        if (Volatile.Read(ref _byOrigin[portId]) is { } from && from.Any(word => word != 0))
        {
            return true;
        }

        var (word, bit) = (portId >> 6, 1L << portId);
        foreach (var row in _byOrigin)
        {
            if (row is not null && (Volatile.Read(ref row[word]) & bit) != 0)
            {
                return true;
            }
        }

        return false;
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

    /// <summary>Up to <paramref name="count"/> lanes known to hold prices, lowest ids first.</summary>
    public List<int> Sample(int count)
    {
        var lanes = new List<int>(count);
        for (var origin = 0; origin < _byOrigin.Length && lanes.Count < count; origin++)
        {
            if (Volatile.Read(ref _byOrigin[origin]) is not { } row)
            {
                continue;
            }

            for (var word = 0; word < row.Length && lanes.Count < count; word++)
            {
                for (var bits = (ulong)Volatile.Read(ref row[word]); bits != 0 && lanes.Count < count; bits &= bits - 1)
                {
                    lanes.Add(LaneKey.Of(origin, (word << 6) | System.Numerics.BitOperations.TrailingZeroCount(bits)));
                }
            }
        }

        return lanes;
    }

    /// <summary>
    /// Adds every lane that has a price in the database now. The caller reads its commit watermark
    /// before this, so the set covers at least every commit up to it (later commits only add lanes).
    /// </summary>
    /// <remarks>
    /// Each live segment is read by its own table, under a SHARE lock on <c>prices</c>: the lock
    /// conflicts with ATTACH and DETACH, so the list of live segments read under it is exactly the
    /// attached set, and it waits for a commit's last step (PostgreSQL makes a commit visible before
    /// it broadcasts the catalog change of its ATTACH). A segment with its btree is read by a loose
    /// index scan (one descent per distinct lane); one still waiting for it (SegmentIndexer builds
    /// it after the commit) is read whole, once: a loose scan through its BRIN would read the rest
    /// of the segment at every step.
    /// </remarks>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockParent = new NpgsqlCommand("lock table only prices in share mode", connection, transaction))
        {
            await lockParent.ExecuteNonQueryAsync(cancellationToken);
        }

        var segments = new List<(int Segment, bool Indexed)>();
        await using (var live = new NpgsqlCommand(
            "select seg, indexed_at is not null from segments where merged_into is null order by seg", connection, transaction))
        await using (var reader = await live.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                segments.Add((reader.GetInt32(0), reader.GetBoolean(1)));
            }
        }

        if (segments.Count > 0)
        {
#pragma warning disable CA2100 // table names are built from ints
            await using var command = new NpgsqlCommand(string.Join("\nunion\n", segments.Select(s => LanesOf(s.Segment, s.Indexed))), connection, transaction);
#pragma warning restore CA2100
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                Add(reader.GetInt32(0));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        _loaded = true;
    }

    private static string LanesOf(int segment, bool indexed)
    {
        var table = "prices_s" + segment.ToString(CultureInfo.InvariantCulture);
        return indexed
            ? $"""
              (with recursive l(lane) as (
                  select min(lane) from {table}
                  union all
                  select (select min(p.lane) from {table} p where p.lane > l.lane) from l where l.lane is not null
              )
              select lane from l where lane is not null)
              """
            : $"(select distinct lane from {table})";
    }
}
