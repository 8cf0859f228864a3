namespace PriceIngest.Runtime;

/// <summary>
/// Read-only view of the activations held by the runtime. An activation counts as active from the moment it is
/// created (on the first call) until its <see cref="Grain.OnDeactivateAsync"/> has finished and it has left the
/// directory, so activating and deactivating grains are included. Answers are snapshots: a grain may activate or
/// deactivate right after the call returns.
/// </summary>
public interface IGrainRuntime
{
    /// <summary>Number of activations currently in the directory.</summary>
    int ActiveCount { get; }

    /// <summary>Counters and gauges of the runtime, read at the time of the call.</summary>
    GrainRuntimeStatistics Statistics { get; }

    /// <summary>Whether the integer-keyed grain has an activation. Never creates one.</summary>
    bool IsActive<TGrainInterface>(long key) where TGrainInterface : IGrainWithIntegerKey;

    /// <summary>Whether the string-keyed grain has an activation. Never creates one.</summary>
    bool IsActive<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey;

    /// <summary>Keys of the activations of an integer-keyed grain interface (e.g. to invalidate only live caches).</summary>
    IReadOnlyCollection<long> ActiveKeys<TGrainInterface>() where TGrainInterface : IGrainWithIntegerKey;
}
