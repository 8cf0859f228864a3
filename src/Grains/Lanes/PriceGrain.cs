using System.Collections.Immutable;
using System.Runtime.InteropServices;
using PriceIngest.Runtime;

namespace PriceIngest.Grains.Lanes;

/// <summary>
/// One lane's per-day sums and counts, dense by day, in memory. Commit deltas arrive in commit
/// order (from <see cref="Coherence.CommitFeed"/>); a delta the load already included is skipped.
/// </summary>
[GrainIdleAge(900)]
internal sealed class PriceGrain(LaneLoader loader) : Grain, IPriceGrain
{
    private static readonly LaneDays NoDays = new(default, [], [], 0);

    private int _firstDay;
    private long[] _sums = [];
    private int[] _counts = [];
    private long _appliedSeq;

    public override Task OnActivateAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public Task ReloadAsync() => LoadAsync(CancellationToken.None);

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var loaded = await loader.LoadAsync((int)GetPrimaryKeyLong()).WaitAsync(cancellationToken);
        (_firstDay, _sums, _counts, _appliedSeq) = (loaded.FirstDayNumber, loaded.Sums, loaded.Counts, loaded.Seq);
    }

    public Task<LaneDays> GetDaysAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var start = Math.Max(from.DayNumber, _firstDay);
        var end = Math.Min(to.DayNumber, _firstDay + _sums.Length - 1);
        if (_sums.Length == 0 || start > end)
        {
            return Task.FromResult(NoDays with { AppliedSeq = _appliedSeq });
        }

        // Copies, so the caller never sees a later delta mutate what it was given.
        var offset = start - _firstDay;
        var length = end - start + 1;
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

        Grow(delta.Days[0].DayNumber, delta.Days[^1].DayNumber);
        foreach (var day in delta.Days)
        {
            _sums[day.DayNumber - _firstDay] += day.Sum;
            _counts[day.DayNumber - _firstDay] += day.Count;
        }

        _appliedSeq = delta.CommitSeq;
        return Task.CompletedTask;
    }

    /// <summary>Widens the dense arrays to cover [first, last] (delta days are sorted).</summary>
    private void Grow(int first, int last)
    {
        if (_sums.Length == 0)
        {
            _firstDay = first;
        }

        var newFirst = Math.Min(first, _firstDay);
        var newLast = Math.Max(last, _firstDay + _sums.Length - 1);
        if (newFirst == _firstDay && newLast - newFirst + 1 == _sums.Length)
        {
            return;
        }

        var sums = new long[newLast - newFirst + 1];
        var counts = new int[sums.Length];
        _sums.CopyTo(sums, _firstDay - newFirst);
        _counts.CopyTo(counts, _firstDay - newFirst);
        (_firstDay, _sums, _counts) = (newFirst, sums, counts);
    }
}
