using System.ComponentModel.DataAnnotations;

namespace PriceIngest.Api.Limits;

/// <summary>
/// What one caller may take of this process (configuration section "Limits"). A caller is an API
/// key, or the remote address when no keys file is configured. Limits count per process: a gateway
/// counts the calls it serves, a silo those that reach its own ports.
/// </summary>
public sealed class CallerLimitsOptions
{
    public const string Section = "Limits";

    /// <summary>
    /// Most uploads (<c>POST /batches</c>, <c>POST /prices</c>, UploadBatch, SubmitBatch) one caller may
    /// have open at once; the next is refused with 429 / RESOURCE_EXHAUSTED and Retry-After. Default 16,
    /// half of a silo's Ingest:MaxConcurrentUploads, so one caller never holds every slot.
    /// </summary>
    [Range(1, 100_000)]
    public int UploadsPerCaller { get; set; } = 16;

    /// <summary>
    /// Most requests per second one caller may send (a token bucket refilled every second, bursts of up
    /// to one second's worth); over it, 429 / RESOURCE_EXHAUSTED with Retry-After. Health endpoints are
    /// not counted. 0 means no limit. Default 0: one client doing 40,000 warm lookups a second is normal
    /// use of this service, so the right figure depends on the deployment (docs/security.md).
    /// </summary>
    [Range(0, 100_000_000)]
    public int RequestsPerSecondPerCaller { get; set; }

    /// <summary>
    /// An upload whose body (REST) or stream (gRPC) brings no bytes for this long is aborted: 408 /
    /// ABORTED, nothing written, its upload slots free again. Default 15 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan UploadStallTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
