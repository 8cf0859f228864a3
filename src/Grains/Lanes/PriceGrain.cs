using System.Collections.Immutable;
using System.Runtime.InteropServices;
using PriceIngest.Runtime;

namespace PriceIngest.Grains.Lanes;

/// <summary>
/// One lane's per-day sums and counts, dense by day, in memory. Commit deltas arrive in commit
/// order (from <see cref="Coherence.CommitFeed"/>); a delta the load already included is skipped.
/// A read whose range covers the whole lane hands out the arrays themselves, without copying; once
/// handed out they are never changed (the next delta builds new ones, copy-on-write), so a caller
/// still summing them never sees half a delta. Arrays never handed out are updated in place.
/// </summary>
[GrainIdleAge(900)]
internal sealed class PriceGrain(LaneLoader loader) : Grain, IPriceGrain
{
    private static readonly LaneDays NoDays = new(default, [], [], 0);

    private int _firstDay;
    private long[] _sums = [];
    private int[] _counts = [];
    private long _appliedSeq;

    // True once _sums and _counts were handed out (and until a delta replaces them).
    private bool _handedOut;

    public override Task OnActivateAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public Task ReloadAsync() => LoadAsync(CancellationToken.None);

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var loaded = await loader.LoadAsync((int)GetPrimaryKeyLong()).WaitAsync(cancellationToken);
        (_firstDay, _sums, _counts, _appliedSeq) = (loaded.FirstDayNumber, loaded.Sums, loaded.Counts, loaded.Seq);

        // The loader answers every request for a lane in one load with the same arrays: treated as
        // handed out, so the first delta after a load copies them (once per load).
        _handedOut = true;
    }

    public Task<LaneDays> GetDaysAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var start = Math.Max(from.DayNumber, _firstDay);
        var end = Math.Min(to.DayNumber, _firstDay + _sums.Length - 1);
        if (_sums.Length == 0 || start > end)
        {
            return Task.FromResult(NoDays with { AppliedSeq = _appliedSeq });
        }

        var offset = start - _firstDay;
        var length = end - start + 1;
        if (length == _sums.Length)
        {
            _handedOut = true;
            return Task.FromResult(new LaneDays(
                DateOnly.FromDayNumber(start),
                ImmutableCollectionsMarshal.AsImmutableArray(_sums),
                ImmutableCollectionsMarshal.AsImmutableArray(_counts),
                _appliedSeq));
        }

        return Task.FromResult(new LaneDays(
            DateOnly.FromDayNumber(start),
            ImmutableCollectionsMarshal.AsImmutableArray(_sums.AsSpan(offset, length).ToArray()),
            ImmutableCollectionsMarshal.AsImmutableArray(_counts.AsSpan(offset, length).ToArray()),
            _appliedSeq));
    }

    public Task ApplyAsync(LaneDelta delta)
    {
        if (delta.CommitSeq <= _appliedSeq || delta.Days.IsDefaultOrEmpty)
        {
            return Task.CompletedTask;
        }

        // New arrays (wide enough for the delta's days, which are sorted) when the lane grows or its
        // arrays were handed out (a reader may still hold those); otherwise the delta is added in place.
        var first = delta.Days[0].DayNumber;
        var last = delta.Days[^1].DayNumber;
        var newFirst = _sums.Length == 0 ? first : Math.Min(first, _firstDay);
        var newLast = _sums.Length == 0 ? last : Math.Max(last, _firstDay + _sums.Length - 1);
        var inPlace = !_handedOut && _sums.Length > 0 && newFirst == _firstDay && newLast - newFirst + 1 == _sums.Length;
        var sums = inPlace ? _sums : new long[newLast - newFirst + 1];
        var counts = inPlace ? _counts : new int[sums.Length];
        if (_sums.Length > 0 && !inPlace)
        {
            _sums.CopyTo(sums, _firstDay - newFirst);
            _counts.CopyTo(counts, _firstDay - newFirst);
        }

        foreach (var day in delta.Days)
        {
            sums[day.DayNumber - newFirst] += day.Sum;
            counts[day.DayNumber - newFirst] += day.Count;
        }

        (_firstDay, _sums, _counts, _appliedSeq) = (newFirst, sums, counts, delta.CommitSeq);
        _handedOut = false; // in place only when they were not, else these are new
        return Task.CompletedTask;
    }
}
