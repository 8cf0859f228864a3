using System.ComponentModel.DataAnnotations;

namespace PriceIngest.Grains.Membership;

/// <summary>Cluster membership timing (configuration section "Membership"), shared by silos and gateways.</summary>
public sealed class MembershipOptions
{
    public const string Section = "Membership";

    /// <summary>How often a silo renews its heartbeat. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan HeartbeatPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A heartbeat older than this (by the database clock) means dead, to everyone. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "00:10:00")]
    public TimeSpan DeadAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Rows of dead silos are deleted this long after their last heartbeat. Default 1 min.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan CleanupAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often a gateway re-reads the table even without a notification (a lost NOTIFY is
    /// repaired within this). Default 1 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan RefreshPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// On SIGTERM a silo stays "draining" and keeps serving at least this long, so every gateway
    /// has refreshed and stopped sending it work before it stops listening. Default 2 s
    /// (two refresh periods).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan DrainGrace { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest a draining silo waits for its in-flight uploads and lookups. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
