using PriceIngest.Grpc.Core;

namespace PriceIngest.Grpc.Tests.Health;

public sealed class RecordingWriter<T> : IServerStreamWriter<T>, IDisposable
{
    private readonly List<T> _messages = [];
    private readonly SemaphoreSlim _written = new(0);

    public IReadOnlyList<T> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public Task WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        lock (_messages)
        {
            _messages.Add(message);
        }

        _written.Release();
        return Task.CompletedTask;
    }

    public async Task WaitForCountAsync(int count)
    {
        while (Messages.Count < count)
        {
            Assert.True(await _written.WaitAsync(TimeSpan.FromSeconds(5)), $"fewer than {count} messages were written");
        }
    }

    public void Dispose() => _written.Dispose();
}
