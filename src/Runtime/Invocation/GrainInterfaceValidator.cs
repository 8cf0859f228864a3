using System.Reflection;

namespace PriceIngest.Runtime;

/// <summary>Rejects grain interfaces the proxy cannot call, at AddGrain time rather than on the first call.</summary>
internal static class GrainInterfaceValidator
{
    public static void Validate(Type grainInterface)
    {
        var problems = new List<string>();
        foreach (var method in GetMethods(grainInterface))
        {
            var name = $"{method.DeclaringType?.Name}.{method.Name}";
            if (method.IsStatic)
            {
                problems.Add($"{name} is static");
            }
            else if (method.IsSpecialName)
            {
                problems.Add($"{name} is a property or event accessor (only methods are supported)");
            }
            else if (ReturnKinds.Of(method.ReturnType) is null)
            {
                problems.Add($"{name} returns {method.ReturnType.Name} (must be Task, Task<T>, ValueTask or ValueTask<T>)");
            }

            foreach (var parameter in method.GetParameters())
            {
                var type = parameter.ParameterType;
                if (type.IsByRef || type.IsPointer || type.IsByRefLike)
                {
                    problems.Add($"{name} has parameter '{parameter.Name}' of type {type.Name} (ref, out, in, pointer and ref struct parameters are not supported)");
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Grain interface {grainInterface} cannot be proxied: {string.Join("; ", problems)}.", nameof(grainInterface));
        }
    }

    /// <summary>Methods declared on the interface and on every interface it extends.</summary>
    public static IEnumerable<MethodInfo> GetMethods(Type grainInterface) =>
        grainInterface.GetInterfaces().Prepend(grainInterface)
            .SelectMany(static i => i.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(static m => m.IsAbstract || m.IsVirtual); // what a proxy must implement; private/static helpers with bodies are fine
}
