using System.ComponentModel.DataAnnotations;

namespace PriceIngest.Grains.Coherence;

/// <summary>How this silo follows commits (configuration section "Commits").</summary>
public sealed class CommitFeedOptions
{
    public const string Section = "Commits";

    /// <summary>Catch-up poll period, the bound on staleness when a NOTIFY is lost. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest a read with a min commit sequence waits for this silo to apply it. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Longest a reference upload waits for the other active silos to load it before answering
    /// (one that takes longer loads it on its next poll). Default 5 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ReferenceWait { get; set; } = TimeSpan.FromSeconds(5);
}
