using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace PriceIngest.Grains.Lanes;

/// <summary>
/// The state of every active lane as its <see cref="PriceGrain"/> last left it, readable without a
/// grain call: a warm region answer adds up a few hundred lanes, and a call per lane was most of its
/// time. A lane's grain publishes after its load and after every delta (new arrays each time: a
/// published state is never changed), and withdraws before it deactivates.
/// </summary>
/// <remarks>
/// Why a published state is never behind a reader that waited for commit N: the commit feed moves
/// its watermark to N only after every active lane applied N (and published); a lane activated later
/// loaded a database snapshot that already holds N; and a lane stays active, so it gets every later
/// delta, until after its grain withdrew its state. A lane with nothing published is read through
/// its grain, as before.
/// </remarks>
public sealed class LaneSnapshots
{
    private readonly ConcurrentDictionary<int, LanePublication> _lanes = new();

    /// <summary>Number of lanes published.</summary>
    public int Count => _lanes.Count;

    /// <summary>The lane's published days, if it is active; counts as a use of the lane (it stays cached).</summary>
    public bool TryGet(int lane, [NotNullWhen(true)] out LaneDays? days)
    {
        if (_lanes.TryGetValue(lane, out var publication))
        {
            days = publication.Read();
            return true;
        }

        days = null;
        return false;
    }

    internal void Publish(int lane, LanePublication publication) => _lanes[lane] = publication;

    /// <summary>Withdraws exactly <paramref name="publication"/>: a later activation's is left alone.</summary>
    internal void Withdraw(int lane, LanePublication publication) => _lanes.TryRemove(KeyValuePair.Create(lane, publication));
}

/// <summary>One activation's published lane state, and when readers last used it.</summary>
internal sealed class LanePublication(LaneDays days)
{
    // Readers record their use at most this often: a shared write per read would contend.
    private const long ReadResolutionMs = 1_000;

    private LaneDays _days = days;
    private long _lastRead = Environment.TickCount64;

    public LaneDays Days
    {
        get => Volatile.Read(ref _days);
        set => Volatile.Write(ref _days, value);
    }

    /// <summary>When readers last read it (Environment.TickCount64 time, to a second).</summary>
    public long LastRead => Volatile.Read(ref _lastRead);

    public LaneDays Read()
    {
        var now = Environment.TickCount64;
        if (now - Volatile.Read(ref _lastRead) > ReadResolutionMs)
        {
            Volatile.Write(ref _lastRead, now);
        }

        return Days;
    }
}
