using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace PriceIngest.Runtime;

/// <summary>
/// Grain reference: implements the grain interface via <see cref="DispatchProxy"/> and forwards every call to the
/// runtime. Holds only the identity, so it is cheap to create, safe to keep, and equal to any other reference to the
/// same grain of the same runtime.
/// </summary>
[SuppressMessage("Performance", "CA1852:Seal internal types", Justification = "DispatchProxy derives the proxy type from this class.")]
[SuppressMessage("Performance", "CA1812:Avoid uninstantiated internal classes", Justification = "Instantiated by DispatchProxy.Create.")]
internal class GrainProxy : DispatchProxy
{
    private GrainRuntime? _runtime;
    private GrainType? _type;
    private GrainId _id;

    internal GrainId Id => _id;

    /// <summary>
    /// A new reference of the same generated proxy type. MemberwiseClone copies the generated class's own fields
    /// (its shared method table) without depending on their names, then this reference gets its identity.
    /// </summary>
    internal GrainProxy CloneFor(GrainRuntime runtime, GrainType type, GrainId id)
    {
        var clone = (GrainProxy)MemberwiseClone();
        clone._runtime = runtime;
        clone._type = type;
        clone._id = id;
        return clone;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var type = _type!;
        var invoker = type.GetInvoker(targetMethod!);
        return invoker.ToReturnValue(_runtime!.Invoke(type, _id, invoker, args ?? []));
    }

    public override bool Equals(object? obj) => obj is GrainProxy other && ReferenceEquals(other._runtime, _runtime) && other._id == _id;

    public override int GetHashCode() => _id.GetHashCode();

    public override string ToString() => $"GrainReference({_id})";
}
