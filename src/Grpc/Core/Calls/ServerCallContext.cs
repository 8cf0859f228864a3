namespace PriceIngest.Grpc.Core;

/// <summary>
/// What a server handler knows about its call and how it shapes the answer besides messages.
/// Abstract so that handlers can be unit-tested with a hand-made context.
/// </summary>
public abstract class ServerCallContext
{
    /// <summary>The full method name, "/package.Service/Method".</summary>
    public abstract string Method { get; }

    /// <summary>The :authority the client called.</summary>
    public abstract string Host { get; }

    /// <summary>The client address, e.g. "ipv4:127.0.0.1:53422".</summary>
    public abstract string Peer { get; }

    /// <summary>When the client stops waiting (UTC), from grpc-timeout; DateTime.MaxValue without one.</summary>
    public abstract DateTime Deadline { get; }

    /// <summary>Custom metadata the client sent (authorization, traceparent, x-..., ...-bin).</summary>
    public abstract Metadata RequestHeaders { get; }

    /// <summary>Cancelled when the client cancels or goes away, the deadline passes, or the call is aborted.</summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>Metadata sent with the status at the end of the call.</summary>
    public abstract Metadata ResponseTrailers { get; }

    /// <summary>The status the call ends with if the handler returns normally (default OK).</summary>
    public abstract Status Status { get; set; }

    /// <summary>
    /// The grpc-encoding to compress responses with (e.g. "gzip"), if the client accepts it; set it
    /// before the first message is written. Null uses the server default.
    /// </summary>
    public abstract string? ResponseCompression { get; set; }

    /// <summary>The grpc-encoding of the request messages, or null when they are not compressed.</summary>
    public abstract string? RequestEncoding { get; }

    /// <summary>Sends response headers now (before any message); at most once.</summary>
    public abstract Task WriteResponseHeadersAsync(Metadata responseHeaders);
}
