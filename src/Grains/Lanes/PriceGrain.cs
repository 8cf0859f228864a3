using System.Collections.Immutable;
using System.Runtime.InteropServices;
using PriceIngest.Runtime;

namespace PriceIngest.Grains.Lanes;

/// <summary>
/// One lane's per-day sums and counts, dense by day, in memory. Commit deltas arrive in commit
/// order (from <see cref="Coherence.CommitFeed"/>); a delta the load already included is skipped.
/// The state is published in <see cref="LaneSnapshots"/> after the load and after every delta, so
/// warm reads need no call; a published state is never changed (a delta builds new arrays), so a
/// reader still summing it never sees half a delta. Withdrawn before the grain deactivates.
/// </summary>
[GrainIdleAge(900)]
internal sealed class PriceGrain(LaneLoader loader, LaneSnapshots snapshots) : Grain, IPriceGrain
{
    private static readonly LaneDays NoDays = new(default, [], [], 0);

    // The whole lane: From is its first day with a price (meaningless while it has none).
    private LaneDays _state = NoDays;
    private LanePublication? _published;

    private int Lane => (int)GetPrimaryKeyLong();

    /// <summary>Readers of the published state use the lane without calling it: they keep it cached.</summary>
    protected override long LastUseOutsideCalls => _published?.LastRead ?? long.MinValue;

    public override Task OnActivateAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Before the runtime lets the lane go: from then on the commit feed stops sending it deltas.
        if (_published is { } published)
        {
            snapshots.Withdraw(Lane, published);
        }

        return Task.CompletedTask;
    }

    public Task ReloadAsync() => LoadAsync(CancellationToken.None);

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var loaded = await loader.LoadAsync(Lane).WaitAsync(cancellationToken);
        Publish(new LaneDays(
            DateOnly.FromDayNumber(loaded.FirstDayNumber),
            ImmutableCollectionsMarshal.AsImmutableArray(loaded.Sums),
            ImmutableCollectionsMarshal.AsImmutableArray(loaded.Counts),
            loaded.Seq));
    }

    private void Publish(LaneDays state)
    {
        _state = state;
        if (_published is null)
        {
            _published = new LanePublication(state);
            snapshots.Publish(Lane, _published);
        }
        else
        {
            _published.Days = state;
        }
    }

    public Task<LaneDays> GetDaysAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var state = _state;
        var firstDay = state.From.DayNumber;
        var start = Math.Max(from.DayNumber, firstDay);
        var end = Math.Min(to.DayNumber, firstDay + state.Sums.Length - 1);
        if (state.Sums.IsEmpty || start > end)
        {
            return Task.FromResult(NoDays with { AppliedSeq = state.AppliedSeq });
        }

        var length = end - start + 1;
        if (length == state.Sums.Length)
        {
            return Task.FromResult(state);
        }

        var offset = start - firstDay;
        return Task.FromResult(new LaneDays(
            DateOnly.FromDayNumber(start),
            ImmutableCollectionsMarshal.AsImmutableArray(state.Sums.AsSpan().Slice(offset, length).ToArray()),
            ImmutableCollectionsMarshal.AsImmutableArray(state.Counts.AsSpan().Slice(offset, length).ToArray()),
            state.AppliedSeq));
    }

    public Task ApplyAsync(LaneDelta delta)
    {
        var state = _state;
        if (delta.CommitSeq <= state.AppliedSeq || delta.Days.IsDefaultOrEmpty)
        {
            return Task.CompletedTask;
        }

        // New arrays, wide enough for the delta's days (which are sorted): the current ones are published.
        var firstDay = state.From.DayNumber;
        var first = delta.Days[0].DayNumber;
        var last = delta.Days[^1].DayNumber;
        var newFirst = state.Sums.IsEmpty ? first : Math.Min(first, firstDay);
        var newLast = state.Sums.IsEmpty ? last : Math.Max(last, firstDay + state.Sums.Length - 1);
        var sums = new long[newLast - newFirst + 1];
        var counts = new int[sums.Length];
        if (!state.Sums.IsEmpty)
        {
            state.Sums.CopyTo(sums, firstDay - newFirst);
            state.Counts.CopyTo(counts, firstDay - newFirst);
        }

        foreach (var day in delta.Days)
        {
            sums[day.DayNumber - newFirst] += day.Sum;
            counts[day.DayNumber - newFirst] += day.Count;
        }

        Publish(new LaneDays(
            DateOnly.FromDayNumber(newFirst),
            ImmutableCollectionsMarshal.AsImmutableArray(sums),
            ImmutableCollectionsMarshal.AsImmutableArray(counts),
            delta.CommitSeq));
        return Task.CompletedTask;
    }
}
