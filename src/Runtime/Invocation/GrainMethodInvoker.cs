using System.Linq.Expressions;
using System.Reflection;

namespace PriceIngest.Runtime;

/// <summary>
/// Everything the runtime needs to call one grain interface method, built once per MethodInfo: a compiled delegate
/// (no reflection per call) that returns the call as a <see cref="Task"/>, and the typed pieces for queued calls.
/// </summary>
internal abstract class GrainMethodInvoker
{
    private readonly int _cancellationTokenIndex;

    protected GrainMethodInvoker(MethodInfo method, Func<object, object?[], Task> call)
    {
        Method = method;
        Call = call;
        _cancellationTokenIndex = Array.FindIndex(method.GetParameters(), static p => p.ParameterType == typeof(CancellationToken));
    }

    public MethodInfo Method { get; }

    /// <summary>Calls the method on a grain instance. ValueTask results are converted with AsTask.</summary>
    public Func<object, object?[], Task> Call { get; }

    /// <summary>The first CancellationToken argument of the call; the runtime honours it while the call is queued.</summary>
    public CancellationToken GetCancellationToken(object?[] args) =>
        _cancellationTokenIndex < 0 ? default : (CancellationToken)args[_cancellationTokenIndex]!;

    public abstract WorkItem CreateWorkItem(GrainRuntime runtime, object?[] args);

    public abstract Task FromException(Exception exception);

    public abstract Task FromCanceled(CancellationToken cancellationToken);

    /// <summary>Converts the call's task to the method's declared return type.</summary>
    public abstract object ToReturnValue(Task task);

    public static GrainMethodInvoker Create(MethodInfo method)
    {
        var kind = ReturnKinds.Of(method.ReturnType)
            ?? throw new NotSupportedException($"Grain method {method.DeclaringType?.Name}.{method.Name} returns {method.ReturnType.Name}.");
        var resultType = kind is ReturnKind.TaskOfT or ReturnKind.ValueTaskOfT
            ? method.ReturnType.GetGenericArguments()[0]
            : typeof(VoidResult);
        var invokerType = typeof(GrainMethodInvoker<>).MakeGenericType(resultType);
        return (GrainMethodInvoker)Activator.CreateInstance(invokerType, method, Compile(method, kind), kind)!;
    }

    // (object grain, object?[] args) => (Task)((TInterface)grain).Method((T0)args[0], ...)[.AsTask()]
    private static Func<object, object?[], Task> Compile(MethodInfo method, ReturnKind kind)
    {
        var grain = Expression.Parameter(typeof(object), "grain");
        var args = Expression.Parameter(typeof(object?[]), "args");
        var arguments = method.GetParameters()
            .Select((p, i) => Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), p.ParameterType));
        Expression call = Expression.Call(Expression.Convert(grain, method.DeclaringType!), method, arguments);
        if (kind is ReturnKind.ValueTask or ReturnKind.ValueTaskOfT)
        {
            call = Expression.Call(call, method.ReturnType.GetMethod(nameof(ValueTask.AsTask), Type.EmptyTypes)!);
        }

        return Expression.Lambda<Func<object, object?[], Task>>(Expression.Convert(call, typeof(Task)), grain, args).Compile();
    }
}

internal sealed class GrainMethodInvoker<TResult>(MethodInfo method, Func<object, object?[], Task> call, ReturnKind kind)
    : GrainMethodInvoker(method, call)
{
    public override WorkItem CreateWorkItem(GrainRuntime runtime, object?[] args) => new WorkItem<TResult>(runtime, this, args);

    public override Task FromException(Exception exception) => Task.FromException<TResult>(exception);

    public override Task FromCanceled(CancellationToken cancellationToken) => Task.FromCanceled<TResult>(cancellationToken);

    public override object ToReturnValue(Task task) => kind switch
    {
        ReturnKind.ValueTask => new ValueTask(task),
        ReturnKind.ValueTaskOfT => new ValueTask<TResult>((Task<TResult>)task),
        _ => task,
    };
}
