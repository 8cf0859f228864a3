using System.Reflection;

namespace PriceIngest.Runtime;

/// <summary>One AddGrain call: a grain interface mapped to its implementation class. Validated when created.</summary>
internal sealed class GrainRegistration
{
    private GrainRegistration(Type grainInterface, Type implementation, TimeSpan? idleAge)
    {
        Interface = grainInterface;
        Implementation = implementation;
        IdleAge = idleAge;
    }

    public Type Interface { get; }

    public Type Implementation { get; }

    /// <summary>Idle age from <see cref="GrainIdleAgeAttribute"/>, or null for the runtime default.</summary>
    public TimeSpan? IdleAge { get; }

    public bool IsStringKeyed => typeof(IGrainWithStringKey).IsAssignableFrom(Interface);

    public static GrainRegistration Create(Type grainInterface, Type implementation)
    {
        if (!grainInterface.IsInterface)
        {
            throw new ArgumentException($"{grainInterface} is not an interface; register the grain interface, not the class.", nameof(grainInterface));
        }

        var integerKeyed = typeof(IGrainWithIntegerKey).IsAssignableFrom(grainInterface);
        var stringKeyed = typeof(IGrainWithStringKey).IsAssignableFrom(grainInterface);
        if (integerKeyed == stringKeyed)
        {
            throw new ArgumentException(
                $"Grain interface {grainInterface} must extend exactly one of {nameof(IGrainWithIntegerKey)} and {nameof(IGrainWithStringKey)}.",
                nameof(grainInterface));
        }

        if (implementation.IsAbstract || implementation.ContainsGenericParameters)
        {
            throw new ArgumentException($"Grain class {implementation} must be a concrete, non-generic class.", nameof(implementation));
        }

        GrainInterfaceValidator.Validate(grainInterface);

        TimeSpan? idleAge = null;
        if (implementation.GetCustomAttribute<GrainIdleAgeAttribute>() is { } attribute)
        {
            if (!(attribute.Seconds > 0) || double.IsInfinity(attribute.Seconds))
            {
                throw new ArgumentException($"[{nameof(GrainIdleAgeAttribute)}] on {implementation} must be a positive, finite number of seconds.", nameof(implementation));
            }

            idleAge = attribute.IdleAge;
        }

        return new GrainRegistration(grainInterface, implementation, idleAge);
    }
}
