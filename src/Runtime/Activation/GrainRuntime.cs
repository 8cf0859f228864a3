using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PriceIngest.Runtime;

/// <summary>
/// The in-process silo: grain factory, activation directory, call dispatch and statistics.
/// </summary>
internal sealed class GrainRuntime : IGrainFactory, IGrainRuntime, IDisposable
{
    private readonly FrozenDictionary<Type, GrainType> _types;
    private readonly CancellationTokenSource _stopping = new();
    private readonly GrainRuntimeMetrics _metrics;
    private int _activeCount;
    private int _queuedCalls;
    private long _activations;
    private long _deactivations;
    private long _totalCalls;
    private long _failedCalls;

    public GrainRuntime(
        IEnumerable<GrainRegistration> registrations,
        IServiceScopeFactory scopeFactory,
        IOptions<GrainRuntimeOptions> options,
        ILogger<GrainRuntime> logger,
        IMeterFactory meterFactory)
    {
        Options = options.Value;
        ScopeFactory = scopeFactory;
        Logger = logger;
        _types = registrations.ToFrozenDictionary(static r => r.Interface, static r => new GrainType(r));
        _metrics = new GrainRuntimeMetrics(meterFactory, () => Volatile.Read(ref _activeCount), () => Volatile.Read(ref _queuedCalls));
        Collector = new ActivationCollector(this);
    }

    public GrainRuntimeOptions Options { get; }

    public IServiceScopeFactory ScopeFactory { get; }

    public ILogger Logger { get; }

    public ActivationCollector Collector { get; }

    /// <summary>Cancelled when shutdown begins; passed to OnActivateAsync.</summary>
    public CancellationToken StoppingToken => _stopping.Token;

    public IEnumerable<GrainType> Types => _types.Values;

    public int ActiveCount => Volatile.Read(ref _activeCount);

    public GrainRuntimeStatistics Statistics => new(
        Interlocked.Read(ref _activations),
        Interlocked.Read(ref _deactivations),
        Volatile.Read(ref _activeCount),
        Volatile.Read(ref _queuedCalls),
        Interlocked.Read(ref _totalCalls),
        Interlocked.Read(ref _failedCalls));

    public TGrainInterface GetGrain<TGrainInterface>(long key) where TGrainInterface : IGrainWithIntegerKey =>
        TypeOf<TGrainInterface>().CreateReference<TGrainInterface>(this, new GrainId(typeof(TGrainInterface), key, null));

    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(key);
        return TypeOf<TGrainInterface>().CreateReference<TGrainInterface>(this, new GrainId(typeof(TGrainInterface), 0, key));
    }

    public bool IsActive<TGrainInterface>(long key) where TGrainInterface : IGrainWithIntegerKey =>
        TypeOf<TGrainInterface>().TryGetActivation(new GrainId(typeof(TGrainInterface), key, null), out _);

    public bool IsActive<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(key);
        return TypeOf<TGrainInterface>().TryGetActivation(new GrainId(typeof(TGrainInterface), 0, key), out _);
    }

    public IReadOnlyCollection<long> ActiveKeys<TGrainInterface>() where TGrainInterface : IGrainWithIntegerKey
    {
        // Enumerating a ConcurrentDictionary takes no locks (unlike .Keys), so this never stalls callers.
        var keys = new List<long>();
        foreach (var entry in TypeOf<TGrainInterface>().ByLong!)
        {
            keys.Add(entry.Key);
        }

        return keys;
    }

    /// <summary>
    /// Entry point of every grain call. Runs the call inline when the grain is active and idle, otherwise queues it.
    /// Never throws: failures reach the caller as a faulted task.
    /// </summary>
    public Task Invoke(GrainType type, GrainId id, GrainMethodInvoker invoker, object?[] args)
    {
        Interlocked.Increment(ref _totalCalls);
        _metrics.Call();
        var cancellationToken = invoker.GetCancellationToken(args);
        if (cancellationToken.IsCancellationRequested)
        {
            return invoker.FromCanceled(cancellationToken);
        }

        Activation activation;
        try
        {
            activation = GetOrCreateActivation(type, id);
        }
        catch (InvalidOperationException ex)
        {
            OnCallFailed();
            return invoker.FromException(ex);
        }

        if (activation.TryEnterInline())
        {
            return activation.RunInline(invoker, args);
        }

        var item = invoker.CreateWorkItem(this, args);
        item.RegisterCancellation(cancellationToken);
        Dispatch(type, id, item, activation);
        return item.Task;
    }

    /// <summary>
    /// Queues a call on the key's current activation, creating one if needed. Retries when the activation it found
    /// turns out to be invalid (it was deactivated between lookup and enqueue); this is how a call that races a
    /// deactivation moves transparently to the next activation.
    /// </summary>
    public void Dispatch(GrainType type, GrainId id, WorkItem item, Activation? activation = null)
    {
        while (true)
        {
            if (activation is null)
            {
                try
                {
                    activation = GetOrCreateActivation(type, id);
                }
                catch (InvalidOperationException ex)
                {
                    item.Fail(ex);
                    return;
                }
            }

            if (activation.Enqueue(item))
            {
                return;
            }

            activation = null;
        }
    }

    /// <summary>Removes the activation from the directory; called under the activation's lock.</summary>
    public void Remove(Activation activation)
    {
        if (activation.Type.Remove(activation))
        {
            Interlocked.Decrement(ref _activeCount);
        }
    }

    /// <summary>
    /// Shutdown: refuses new activations, deactivates every activation (busy ones after their current call) and waits
    /// at most <see cref="GrainRuntimeOptions.DeactivationTimeout"/>.
    /// </summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        var deactivations = Types.SelectMany(static t => t.Activations).Select(static a => a.DeactivateForShutdownAsync()).ToList();
        RuntimeLog.ShutdownStarted(Logger, deactivations.Count);
        try
        {
            await Task.WhenAll(deactivations).WaitAsync(Options.DeactivationTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            RuntimeLog.ShutdownIncomplete(Logger, deactivations.Count(static t => !t.IsCompleted), Options.DeactivationTimeout);
        }
    }

    public void Dispose() => _stopping.Dispose();

    internal void OnCallQueued() => Interlocked.Increment(ref _queuedCalls);

    internal void OnCallDequeued() => Interlocked.Decrement(ref _queuedCalls);

    internal void OnCallFailed() => Interlocked.Increment(ref _failedCalls);

    internal void OnActivated(GrainId id)
    {
        Interlocked.Increment(ref _activations);
        _metrics.Activated();
        RuntimeLog.Activated(Logger, id);
    }

    internal void OnDeactivated(GrainId id, DeactivationReason reason)
    {
        Interlocked.Increment(ref _deactivations);
        _metrics.Deactivated(reason);
        RuntimeLog.Deactivated(Logger, id, reason);
    }

    private GrainType TypeOf<TGrainInterface>() =>
        _types.TryGetValue(typeof(TGrainInterface), out var type)
            ? type
            : throw new InvalidOperationException(
                $"No grain class is registered for {typeof(TGrainInterface)}; call services.AddGrain<{typeof(TGrainInterface).Name}, TGrain>().");

    private Activation GetOrCreateActivation(GrainType type, GrainId id) =>
        type.ByLong is not null ? GetOrCreate(type.ByLong, id.LongKey, type, id) : GetOrCreate(type.ByString!, id.StringKey!, type, id);

    private Activation GetOrCreate<TKey>(ConcurrentDictionary<TKey, Activation> directory, TKey key, GrainType type, GrainId id)
        where TKey : notnull
    {
        if (directory.TryGetValue(key, out var existing))
        {
            return existing;
        }

        ThrowIfStopping(id);

        // TryAdd rather than GetOrAdd: we must know whether we inserted, to count it.
        var created = new Activation(this, type, id);
        while (true)
        {
            if (directory.TryAdd(key, created))
            {
                if (Interlocked.Increment(ref _activeCount) > Options.MaxActiveGrains)
                {
                    Collector.Wake();
                }

                if (_stopping.IsCancellationRequested)
                {
                    // Shutdown began while we inserted and may have missed this entry; undo it ourselves.
                    _ = created.DeactivateForShutdownAsync();
                    ThrowIfStopping(id);
                }

                return created;
            }

            if (directory.TryGetValue(key, out existing))
            {
                return existing;
            }
        }
    }

    private void ThrowIfStopping(GrainId id)
    {
        if (_stopping.IsCancellationRequested)
        {
            throw new InvalidOperationException($"Cannot activate grain {id}: the grain runtime is shutting down.");
        }
    }
}
