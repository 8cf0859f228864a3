using System.Collections.Concurrent;

namespace PriceIngest.Runtime.Tests.Infrastructure;

/// <summary>
/// Lets a test hold a grain inside a call: <see cref="Hold"/> a label before the call, <see cref="Release"/> it later.
/// Labels that were never held pass straight through.
/// </summary>
public sealed class Gates
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _held = new();

    public void Hold(string label) => _held[label] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release(string label) => _held[label].TrySetResult();

    public Task Pass(string label) => _held.TryGetValue(label, out var gate) ? gate.Task : Task.CompletedTask;
}
