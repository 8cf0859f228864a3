using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace PriceIngest.Runtime;

/// <summary>
/// Runtime data of one registered grain interface: the factory of its class, its method invokers and its part of the
/// activation directory (one map per interface, keyed by the raw key, so a lookup does not hash the interface type).
/// </summary>
internal sealed class GrainType
{
    private readonly ConcurrentDictionary<MethodInfo, GrainMethodInvoker> _invokers = new();
    private GrainProxy? _prototype;

    public GrainType(GrainRegistration registration)
    {
        Interface = registration.Interface;
        Implementation = registration.Implementation;
        IdleAge = registration.IdleAge;
        Factory = ActivatorUtilities.CreateFactory(Implementation, Type.EmptyTypes);
        if (registration.IsStringKeyed)
        {
            ByString = new ConcurrentDictionary<string, Activation>(StringComparer.Ordinal);
        }
        else
        {
            ByLong = new ConcurrentDictionary<long, Activation>();
        }

        // Compile the non-generic methods up front so the first call of each does not pay for it.
        foreach (var method in GrainInterfaceValidator.GetMethods(Interface))
        {
            if (!method.IsGenericMethodDefinition)
            {
                _invokers[method] = GrainMethodInvoker.Create(method);
            }
        }
    }

    public Type Interface { get; }

    public Type Implementation { get; }

    /// <summary>Per-class idle age from <see cref="GrainIdleAgeAttribute"/>; null means the runtime default.</summary>
    public TimeSpan? IdleAge { get; }

    public ObjectFactory Factory { get; }

    public ConcurrentDictionary<long, Activation>? ByLong { get; }

    public ConcurrentDictionary<string, Activation>? ByString { get; }

    public IEnumerable<Activation> Activations => ByLong is not null ? ByLong.Select(static e => e.Value) : ByString!.Select(static e => e.Value);

    // Generic methods arrive here closed over their type arguments; each closed form is compiled once.
    public GrainMethodInvoker GetInvoker(MethodInfo method) =>
        _invokers.TryGetValue(method, out var invoker) ? invoker : _invokers.GetOrAdd(method, static m => GrainMethodInvoker.Create(m));

    public bool TryGetActivation(GrainId id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Activation? activation) =>
        ByLong is not null ? ByLong.TryGetValue(id.LongKey, out activation) : ByString!.TryGetValue(id.StringKey!, out activation);

    /// <summary>Removes exactly this activation (not a successor that took its key).</summary>
    public bool Remove(Activation activation) =>
        ByLong is not null
            ? ByLong.TryRemove(KeyValuePair.Create(activation.Id.LongKey, activation))
            : ByString!.TryRemove(KeyValuePair.Create(activation.Id.StringKey!, activation));

    public TGrainInterface CreateReference<TGrainInterface>(GrainRuntime runtime, GrainId id)
    {
        // DispatchProxy.Create costs ~200 ns and ~300 B per call; cloning one prototype per interface costs a plain
        // object allocation. A race creates two prototypes, which is harmless.
        _prototype ??= (GrainProxy)(object)DispatchProxy.Create<TGrainInterface, GrainProxy>()!;
        return (TGrainInterface)(object)_prototype.CloneFor(runtime, this, id);
    }
}
