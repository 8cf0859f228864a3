using System.ComponentModel.DataAnnotations;

namespace PriceIngest.Grains.Storage;

/// <summary>How often a silo reads PostgreSQL's own statistics (configuration section "Telemetry:Database").</summary>
public sealed class DatabaseStatsOptions
{
    public const string Section = "Telemetry:Database";

    /// <summary>Between two reads of sizes, dead tuples, connections and replication. Default 15 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);
}
