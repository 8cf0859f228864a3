using System.ComponentModel.DataAnnotations;

namespace PriceIngest.Grains.Batches;

/// <summary>Limits of the write side (configuration section "Ingest").</summary>
public sealed class IngestOptions : IValidatableObject
{
    public const string Section = "Ingest";

    /// <summary>Most items one batch may hold. Default 5,000,000.</summary>
    [Range(1, 100_000_000)]
    public long MaxBatchItems { get; set; } = 5_000_000;

    /// <summary>Most uploads receiving at once per silo (each holds a database connection). Default 32.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrentUploads { get; set; } = 32;

    /// <summary>
    /// How long a stopping silo (SIGTERM) keeps serving the uploads open on it before it leaves the
    /// cluster; an upload still open then is aborted (nothing written; a gateway resends it). Default 30 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// An open upload that hears nothing from its sender (no chunk, no commit) for this long is
    /// aborted, nothing written, and its batch id is free again: a client or gateway that went away
    /// without a word holds no id and no upload slot. Default 30 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The same while the silo stops (SIGTERM), shorter: a live upload streams without pauses, and
    /// one whose sender gave up (a call lost as the silo's gateway closed) would otherwise hold its
    /// id for the whole <see cref="DrainTimeout"/>, refusing the sender's retry on another silo. Default 3 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan DrainIdleTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Most item errors a rejection lists (the total is always counted). Default 1,000.</summary>
    [Range(1, 1_000_000)]
    public int MaxReportedErrors { get; set; } = 1_000;

    /// <summary>Earliest accepted day. Default 2000-01-01.</summary>
    public DateOnly MinDay { get; set; } = new(2000, 1, 1);

    /// <summary>Latest accepted day, counted from today (UTC). Default 730 days ahead.</summary>
    [Range(0, 36_500)]
    public int MaxDaysAhead { get; set; } = 730;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Days are stored relative to 2000-01-01 in sort keys; earlier days are out of the model.
        if (MinDay < new DateOnly(2000, 1, 1))
        {
            yield return new ValidationResult("Ingest:MinDay must be 2000-01-01 or later", [nameof(MinDay)]);
        }
    }

    /// <summary>Highest accepted price in USD (prices are positive integers). Default 10,000,000.</summary>
    [Range(1, int.MaxValue)]
    public int MaxPrice { get; set; } = 10_000_000;
}
