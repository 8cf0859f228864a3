namespace PriceIngest.Runtime;

internal enum ReturnKind
{
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
}

internal static class ReturnKinds
{
    /// <summary>The kind of a grain method's return type, or null when the runtime cannot await it.</summary>
    public static ReturnKind? Of(Type returnType)
    {
        if (returnType == typeof(Task))
        {
            return ReturnKind.Task;
        }

        if (returnType == typeof(ValueTask))
        {
            return ReturnKind.ValueTask;
        }

        if (returnType.IsGenericType)
        {
            var definition = returnType.GetGenericTypeDefinition();
            if (definition == typeof(Task<>))
            {
                return ReturnKind.TaskOfT;
            }

            if (definition == typeof(ValueTask<>))
            {
                return ReturnKind.ValueTaskOfT;
            }
        }

        return null;
    }
}
