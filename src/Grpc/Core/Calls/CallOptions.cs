namespace PriceIngest.Grpc.Core;

/// <summary>Per-call settings of a client call.</summary>
public readonly record struct CallOptions
{
    /// <summary>Custom metadata to send (authorization, traceparent, x-..., ...-bin).</summary>
    public Metadata? Headers { get; init; }

    /// <summary>
    /// When the call must be over (UTC). Sent as grpc-timeout so the server stops too, and enforced
    /// locally: the call fails with DEADLINE_EXCEEDED even if the server never answers.
    /// </summary>
    public DateTime? Deadline { get; init; }

    /// <summary>Cancels the call (HTTP/2 RST_STREAM CANCEL); the call fails with CANCELLED.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>Compress request messages with this grpc-encoding ("gzip", "deflate"); null sends them plain.</summary>
    public string? RequestCompression { get; init; }
}
