using System.Collections.Concurrent;

namespace PriceIngest.Grpc.Tests.Echo;

/// <summary>
/// What the test server's handlers observed, keyed by the tag a test put in its request: lets a
/// test prove that a client's cancellation or deadline really reached the handler.
/// </summary>
public sealed class EchoProbe
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _outcomes = new();

    private long _clientStreamMessagesRead;

    /// <summary>Messages read so far by the latest ClientStream handler (for incremental-read checks).</summary>
    public long ClientStreamMessagesRead => Interlocked.Read(ref _clientStreamMessagesRead);

    public void SetClientStreamMessagesRead(long count) => Interlocked.Exchange(ref _clientStreamMessagesRead, count);

    public void Report(string tag, string outcome)
    {
        if (!string.IsNullOrEmpty(tag))
        {
            Slot(tag).TrySetResult(outcome);
        }
    }

    public Task<string> WaitAsync(string tag, TimeSpan timeout) => Slot(tag).Task.WaitAsync(timeout);

    private TaskCompletionSource<string> Slot(string tag) =>
        _outcomes.GetOrAdd(tag, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
}
