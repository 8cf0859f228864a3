using System.ComponentModel.DataAnnotations;

namespace PriceIngest.Api.Grpc;

/// <summary>Limits of the gRPC front door (configuration section "Grpc").</summary>
public sealed class GrpcApiOptions
{
    public const string Section = "Grpc";

    /// <summary>Largest accepted request message in bytes (after decompression). Default 4 MiB, gRPC's usual default.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxReceiveMessageBytes { get; set; } = 4 << 20;

    /// <summary>Largest reply message in bytes. Default 4 MiB (a year of daily rates is about 10 KB).</summary>
    [Range(1024, int.MaxValue)]
    public int MaxSendMessageBytes { get; set; } = 4 << 20;

    /// <summary>Items per chunk handed to the batch grain while an upload streams in. Default 8,192 (as REST).</summary>
    [Range(1, 1_000_000)]
    public int ChunkItems { get; set; } = 8_192;

    /// <summary>How often the health service re-reads readiness (the checks tagged "ready": database reachable, schema migrated, not stopping). Default 2 s; at least 1 s (the health check publisher's minimum).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan HealthPollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
