using System.ComponentModel.DataAnnotations;

namespace PriceIngest.Grains.Compaction;

/// <summary>Background merging of price segments (configuration section "Segments").</summary>
public sealed class SegmentMergeOptions
{
    public const string Section = "Segments";

    /// <summary>Merge when more live segments than this exist; lookups probe every segment. Default 16.</summary>
    [Range(2, 10_000)]
    public int MaxSegments { get; set; } = 16;

    /// <summary>Only segments older than this are merged, so every silo has applied them from their own segment. Default 60 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MinAge { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a silo checks whether a merge is due (one silo merges at a time). Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest the final swap may wait for its lock before the merge is given up and retried. Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
