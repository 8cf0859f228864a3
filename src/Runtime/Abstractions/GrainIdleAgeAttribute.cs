namespace PriceIngest.Runtime;

/// <summary>
/// Overrides <see cref="GrainRuntimeOptions.IdleAge"/> for one grain class: an activation of the class that has not
/// been called for this many seconds is deactivated. Put it on the implementation class, not the interface.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class GrainIdleAgeAttribute : Attribute
{
    /// <param name="seconds">Idle age in seconds; must be positive (fractions allowed, e.g. 0.5).</param>
    public GrainIdleAgeAttribute(double seconds) => Seconds = seconds;

    /// <summary>Idle age in seconds.</summary>
    public double Seconds { get; }

    /// <summary>Idle age as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan IdleAge => TimeSpan.FromSeconds(Seconds);
}
