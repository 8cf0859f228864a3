using Grpc.Net.Client;

namespace PriceIngest.Client;

/// <summary>Settings of a <see cref="PriceIngestClient"/>; the defaults suit an ETL job.</summary>
public sealed class PriceIngestClientOptions
{
    /// <summary>Deadline of each unary call (SubmitBatch, GetBatch, GetRates), per attempt. Null: none.</summary>
    public TimeSpan? CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deadline of each upload attempt (the whole stream and the commit). Null (default): none.</summary>
    public TimeSpan? UploadTimeout { get; set; }

    /// <summary>Attempts per operation, the first included (1 = no retry). Only transient failures are retried.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Delay before the first retry; doubles each retry (with jitter), capped by <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest delay between two attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Compress request messages with gzip (grpc-encoding).</summary>
    public bool UseGzip { get; set; }

    /// <summary>An API key, sent as <c>authorization: Bearer KEY</c> with every call. Null: none (or <see cref="Authorization"/>).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Sent as the <c>authorization</c> header of every call (e.g. "Bearer ..."), in place of <see cref="ApiKey"/>. Null: none.</summary>
    public string? Authorization { get; set; }

    /// <summary>Items per UploadBatch message.</summary>
    public int ChunkItems { get; set; } = 8192;

    /// <summary>Recorded by the server as the batch's source (an ETL job name).</summary>
    public string Source { get; set; } = "priceingest-client";

    /// <summary>Called before each retry (attempt about to start, delay, the failure that caused it).</summary>
    public Action<RetryNotice>? OnRetry { get; set; }

    /// <summary>
    /// Transport settings of the underlying channels (message sizes, handler: connect timeout, TLS
    /// validation). Null: <see cref="DefaultChannelOptions"/>. One instance per client: a channel
    /// owns (and disposes) the handler it is given unless DisposeHttpClient is false.
    /// </summary>
    public GrpcChannelOptions? ChannelOptions { get; set; }

    /// <summary>
    /// Grpc.Net.Client's defaults (4 MiB received messages, unlimited sent), with a 10 s connect
    /// timeout, more than one HTTP/2 connection when 100 streams are busy, and keep-alive pings
    /// (60 s, 20 s to answer) so that a dead connection fails a long upload rather than hanging it.
    /// </summary>
    public static GrpcChannelOptions DefaultChannelOptions() => new()
    {
        HttpHandler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
        },
    };

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1, nameof(MaxAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(ChunkItems, 1, nameof(ChunkItems));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryDelay, TimeSpan.Zero, nameof(RetryDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetryDelay, RetryDelay, nameof(MaxRetryDelay));
        if (CallTimeout is { } call)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(call, TimeSpan.Zero, nameof(CallTimeout));
        }

        if (UploadTimeout is { } upload)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(upload, TimeSpan.Zero, nameof(UploadTimeout));
        }
    }
}

/// <summary>A retry about to happen: <paramref name="NextAttempt"/> (2 for the first retry) starts after <paramref name="Delay"/>.</summary>
public sealed record RetryNotice(string Operation, int NextAttempt, int MaxAttempts, TimeSpan Delay, Exception Failure);

/// <summary>
/// Progress of an upload. Counters restart at zero when a retried attempt starts over from the
/// beginning of the source. <see cref="BytesRead"/> / <see cref="TotalBytes"/> are known for files.
/// </summary>
public sealed record UploadProgress(int Attempt, long Items, long Messages, long BytesRead, long? TotalBytes, TimeSpan Elapsed, bool Completed)
{
    /// <summary>Items sent per second in this attempt.</summary>
    public double ItemsPerSecond => Elapsed.TotalSeconds > 0 ? Items / Elapsed.TotalSeconds : 0;

    /// <summary>Fraction of the source read (0..1) when its size is known.</summary>
    public double? Fraction => TotalBytes is > 0 and var total ? Math.Min(1.0, (double)BytesRead / total) : null;
}
