namespace PriceIngest.Runtime;

/// <summary>
/// Tuning of the grain runtime. Bound from the <see cref="SectionName"/> configuration section when an
/// IConfiguration is registered, then from the delegate given to AddGrainRuntime; validated when the host starts.
/// </summary>
public sealed class GrainRuntimeOptions
{
    /// <summary>Configuration section the options are bound from: "Grains".</summary>
    public const string SectionName = "Grains";

    /// <summary>
    /// A grain whose last call completed longer ago than this, and which has no call running or queued, is
    /// deactivated (reason <see cref="DeactivationReason.IdleTimeout"/>). Default: 10 minutes.
    /// <see cref="GrainIdleAgeAttribute"/> overrides it per grain class.
    /// </summary>
    public TimeSpan IdleAge { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the collector scans for idle grains and enforces <see cref="MaxActiveGrains"/>. Default: 30 seconds.</summary>
    public TimeSpan CollectionInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Soft cap on activations. When exceeded, the collector runs early and deactivates the least recently used idle
    /// activations (reason <see cref="DeactivationReason.CapacityExceeded"/>) until about 90% of the cap remain.
    /// Busy grains are never evicted, so the cap can be exceeded while they are busy. Default: 100,000.
    /// </summary>
    public int MaxActiveGrains { get; set; } = 100_000;

    /// <summary>
    /// Upper bound for one <see cref="Grain.OnDeactivateAsync"/> (its token is cancelled then and the runtime stops
    /// waiting for it) and for deactivating all grains at shutdown. Default: 30 seconds.
    /// </summary>
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
