using System.Buffers;
using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace PriceIngest.Grains.Lanes;

/// <summary>
/// One <see cref="PriceGrain"/> activation's lane state, as readers and the commit feed see it.
/// A published <see cref="LaneDays"/> is never changed (a delta builds new arrays), so a reader
/// still summing one never sees half a delta. Null until the first load ends.
/// </summary>
/// <remarks>
/// The commit feed of this silo applies deltas here directly rather than by calling the grain: a
/// grain call goes wherever Orleans's directory points, which during a membership change can be a
/// duplicate activation on another silo, and this silo's readers must see its own feed's commits.
/// A delta that arrives while a load runs is kept and re-applied on top of the load's result when
/// the load's snapshot predates it.
/// </remarks>
internal sealed class LanePublication
{
    // Readers tell the grain they use it at most this often (a one-way call Orleans counts as use),
    // well within its 15 minute idle age.
    private const long KeepAliveEveryMs = 5 * 60 * 1_000;

    private readonly Lock _gate = new();
    private int _adopted;
    private LaneDays? _days;
    private List<LaneDelta>? _sinceLoadStarted = [];
    private int _loads = 1;
    private long _keptAlive = Environment.TickCount64;

    /// <param name="adopted">False for a lane preloaded ahead of its grain (<see cref="LaneSnapshots.Preload"/>).</param>
    public LanePublication(bool adopted) => _adopted = adopted ? 1 : 0;

    /// <summary>A preload's load, which the adopting grain awaits (it never faults: see <see cref="LoadFailure"/>).</summary>
    public Task? Preloading { get; set; }

    /// <summary>Why a preload failed, if it did.</summary>
    public Exception? LoadFailure { get; set; }

    /// <summary>True once a grain activation owns this state.</summary>
    public bool Adopted => Volatile.Read(ref _adopted) == 1;

    /// <summary>Takes ownership for a grain activation; false when one already has it.</summary>
    public bool TryAdopt() => Interlocked.Exchange(ref _adopted, 1) == 0;

    /// <summary>The state readers see; null until the first load ends.</summary>
    public LaneDays? Days => Volatile.Read(ref _days);

    /// <summary>
    /// True at most once per <see cref="KeepAliveEveryMs"/> (for the reader that should then tell
    /// the grain it is in use); a shared write per read would contend.
    /// </summary>
    public bool KeepAliveDue()
    {
        var now = Environment.TickCount64;
        var last = Volatile.Read(ref _keptAlive);
        return now - last > KeepAliveEveryMs && Interlocked.CompareExchange(ref _keptAlive, now, last) == last;
    }

    /// <summary>A reload starts (the first load is counted from construction).</summary>
    public void BeginLoad()
    {
        lock (_gate)
        {
            _loads++;
            _sinceLoadStarted ??= [];
        }
    }

    /// <summary>A load read <paramref name="loaded"/>; publishes it with every later delta that arrived meanwhile.</summary>
    public void EndLoad(LaneDays loaded)
    {
        var days = loaded;
        lock (_gate)
        {
            foreach (var delta in _sinceLoadStarted!)
            {
                days = With(days, delta);
            }

            // Two loads may overlap (a reload of every lane while this one activates): keep the newer.
            if (_days is null || days.AppliedSeq >= _days.AppliedSeq)
            {
                Volatile.Write(ref _days, days);
            }

            if (--_loads == 0)
            {
                _sinceLoadStarted = null;
            }
        }
    }

    /// <summary>A load failed: the state stays as it was.</summary>
    public void AbandonLoad()
    {
        lock (_gate)
        {
            if (--_loads == 0)
            {
                _sinceLoadStarted = null;
            }
        }
    }

    /// <summary>Adds one commit (deltas come in commit order); one the state already holds is skipped.</summary>
    public void Apply(LaneDelta delta)
    {
        lock (_gate)
        {
            _sinceLoadStarted?.Add(delta);
            if (_days is { } days)
            {
                Volatile.Write(ref _days, With(days, delta));
            }
        }
    }

    private static LaneDays With(LaneDays state, LaneDelta delta)
    {
        if (delta.CommitSeq <= state.AppliedSeq)
        {
            return state;
        }

        if (delta.Days.IsDefaultOrEmpty)
        {
            return state with { AppliedSeq = delta.CommitSeq };
        }

        // New arrays, wide enough for the delta's days (which are sorted): the current ones are published.
        var firstDay = state.From.DayNumber;
        var first = delta.Days[0].DayNumber;
        var last = delta.Days[^1].DayNumber;
        var newFirst = state.Length == 0 ? first : Math.Min(first, firstDay);
        var newLast = state.Length == 0 ? last : Math.Max(last, firstDay + state.Length - 1);
        var length = newLast - newFirst + 1;
        var sums = ArrayPool<long>.Shared.Rent(length);
        try
        {
            Array.Clear(sums, 0, length);
            var counts = new int[length];
            if (state.Length != 0)
            {
                state.CopySumsTo(sums.AsSpan(firstDay - newFirst));
                state.Counts.CopyTo(counts, firstDay - newFirst);
            }

            foreach (var day in delta.Days)
            {
                sums[day.DayNumber - newFirst] += day.Sum;
                counts[day.DayNumber - newFirst] += day.Count;
            }

            return LaneDays.Of(DateOnly.FromDayNumber(newFirst), sums.AsSpan(0, length), counts, delta.CommitSeq);
        }
        finally
        {
            ArrayPool<long>.Shared.Return(sums);
        }
    }

    /// <summary>The days of [from, to] of <paramref name="state"/>; the state itself when it lies wholly inside.</summary>
    public static LaneDays Slice(LaneDays state, DateOnly from, DateOnly to)
    {
        var firstDay = state.From.DayNumber;
        var start = Math.Max(from.DayNumber, firstDay);
        var end = Math.Min(to.DayNumber, firstDay + state.Length - 1);
        if (state.Length == 0 || start > end)
        {
            return LaneDays.Empty(state.AppliedSeq);
        }

        var length = end - start + 1;
        if (length == state.Length)
        {
            return state;
        }

        var offset = start - firstDay;
        return new LaneDays(
            DateOnly.FromDayNumber(start),
            state.IsWide ? [] : ImmutableCollectionsMarshal.AsImmutableArray(state.Sums.AsSpan().Slice(offset, length).ToArray()),
            state.IsWide ? ImmutableCollectionsMarshal.AsImmutableArray(state.WideSums.AsSpan().Slice(offset, length).ToArray()) : [],
            ImmutableCollectionsMarshal.AsImmutableArray(state.Counts.AsSpan().Slice(offset, length).ToArray()),
            state.AppliedSeq);
    }
}
