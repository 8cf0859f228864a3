using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace PriceIngest.Grains.Lanes;

/// <summary>
/// The lanes active on this silo, and the state each <see cref="PriceGrain"/> last published,
/// readable without a grain call: a warm region answer adds up a few hundred lanes, and a call per
/// lane was most of its time. A lane registers as it activates (before its load), publishes after
/// its load and after every delta (new arrays each time: a published state is never changed), and
/// withdraws before it deactivates. The commit feed applies deltas to the lanes registered here.
/// </summary>
/// <remarks>
/// Why a published state is never behind a reader that waited for commit N: the commit feed moves
/// its watermark to N only after every registered lane applied N (and published); a lane that
/// registered later loaded a database snapshot taken after it registered, which holds N; and a
/// lane stays registered, so it gets every later delta, until its grain withdraws. A lane with
/// nothing published (loading, or not active here) is read through its grain.
/// </remarks>
public sealed class LaneSnapshots
{
    private readonly ConcurrentDictionary<int, LanePublication> _lanes = new();
    private long _activations;
    private int _waking;

    /// <summary>Number of lanes active on this silo.</summary>
    public int Count => _lanes.Count;

    /// <summary>How many lane activations this silo has had (each one loads its lane from PostgreSQL).</summary>
    public long Activations => Interlocked.Read(ref _activations);

    /// <summary>Lanes a cold read loaded whose grains it has not finished waking (see <see cref="Release"/>).</summary>
    public int Waking => Volatile.Read(ref _waking);

    /// <summary>True while the lane's grain is active on this silo (loading or loaded).</summary>
    public bool IsActive(int lane) => _lanes.ContainsKey(lane);

    /// <summary>
    /// The lane's published days, if it is active and loaded here. <paramref name="keepAlive"/> is
    /// true when the reader should tell the lane's grain it is in use (see <see cref="IPriceGrain.KeepAliveAsync"/>).
    /// </summary>
    public bool TryGet(int lane, [NotNullWhen(true)] out LaneDays? days, out bool keepAlive)
    {
        if (_lanes.TryGetValue(lane, out var publication) && publication.Days is { } published)
        {
            days = published;
            keepAlive = publication.KeepAliveDue();
            return true;
        }

        days = null;
        keepAlive = false;
        return false;
    }

    /// <summary>
    /// A lane's grain activates here: it takes over the lane's preloaded state, or registers a new
    /// one before its load, so the commit feed applies every later commit to it. With a preload,
    /// the returned task is its load.
    /// </summary>
    internal (LanePublication Publication, Task? Preloading) Activate(int lane)
    {
        Interlocked.Increment(ref _activations);
        if (_lanes.TryGetValue(lane, out var preloaded) && preloaded.TryAdopt())
        {
            return (preloaded, preloaded.Preloading);
        }

        var publication = new LanePublication(adopted: true);
        _lanes[lane] = publication;
        return (publication, null);
    }

    /// <summary>
    /// A cold read: registers the lanes not active here and starts all their loads at once, so that
    /// the loader reads them in one or two queries; the read sums them when loaded and then wakes
    /// their grains, which adopt them. Registered before the loads read their
    /// snapshot, as an activation's own state is. Pass the result to <see cref="Release"/>.
    /// </summary>
    internal List<(int Lane, LanePublication Publication)> Preload(IReadOnlyList<int> lanes, LaneLoader loader)
    {
        var preloaded = new List<(int, LanePublication)>();
        foreach (var lane in lanes)
        {
            // Preloading is set before the lane is visible: a grain activating on another thread
            // (a rebalancer move) that adopts it must wait for this load, not start its own.
            var publication = new LanePublication(adopted: false);
            var loaded = new TaskCompletionSource();
            publication.Preloading = loaded.Task;
            if (_lanes.TryAdd(lane, publication))
            {
                _ = LoadAsync(lane, publication, loader, loaded);
                preloaded.Add((lane, publication));
            }
        }

        Interlocked.Add(ref _waking, preloaded.Count);

        return preloaded;

        static async Task LoadAsync(int lane, LanePublication publication, LaneLoader loader, TaskCompletionSource loaded)
        {
            try
            {
                publication.EndLoad(await loader.LoadAsync(lane));
            }
            catch (Exception e)
            {
                publication.LoadFailure = e;
                publication.AbandonLoad();
            }
            finally
            {
                loaded.SetResult();
            }
        }
    }

    /// <summary>Once the cold read woke the lanes' grains: a preloaded lane no grain here adopted (it is active on another silo) is withdrawn.</summary>
    internal void Release(List<(int Lane, LanePublication Publication)> preloaded)
    {
        Interlocked.Add(ref _waking, -preloaded.Count);
        foreach (var (lane, publication) in preloaded)
        {
            if (!publication.Adopted)
            {
                Withdraw(lane, publication);
            }
        }
    }

    /// <summary>Applies one commit's delta to the lane if it is active here (the commit feed, in commit order).</summary>
    internal void Apply(int lane, LaneDelta delta)
    {
        if (_lanes.TryGetValue(lane, out var publication))
        {
            publication.Apply(delta);
        }
    }

    /// <summary>Reads every active lane again from PostgreSQL (when a commit's own rows can no longer be told apart).</summary>
    internal Task ReloadAllAsync(LaneLoader loader) =>
        Task.WhenAll(_lanes.ToArray().Select(async lane =>
        {
            lane.Value.BeginLoad();
            try
            {
                lane.Value.EndLoad(await loader.LoadAsync(lane.Key));
            }
            catch
            {
                lane.Value.AbandonLoad();
                throw;
            }
        }));

    /// <summary>Withdraws exactly <paramref name="publication"/>: a later activation's is left alone.</summary>
    internal void Withdraw(int lane, LanePublication publication) => _lanes.TryRemove(KeyValuePair.Create(lane, publication));
}
