using PriceIngest.Grpc.Core;

namespace PriceIngest.Grpc.Tests.Health;

/// <summary>A hand-made context: handlers can be unit-tested without a server.</summary>
public sealed class TestServerCallContext(TimeSpan timeout) : ServerCallContext, IDisposable
{
    private readonly CancellationTokenSource _cts = new(timeout);

    public override string Method => "/test/Method";

    public override string Host => "localhost";

    public override string Peer => "ipv4:127.0.0.1:1";

    public override DateTime Deadline { get; } = DateTime.UtcNow + timeout;

    public override Metadata RequestHeaders { get; } = [];

    public override CancellationToken CancellationToken => _cts.Token;

    public override Metadata ResponseTrailers { get; } = [];

    public override Status Status { get; set; } = Status.Ok;

    public override string? ResponseCompression { get; set; }

    public override string? RequestEncoding => null;

    public Task CancelAsync() => _cts.CancelAsync();

    public override Task WriteResponseHeadersAsync(Metadata responseHeaders) => Task.CompletedTask;

    public void Dispose() => _cts.Dispose();
}
