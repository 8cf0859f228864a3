namespace PriceIngest.Grains.Membership;

/// <summary>The states of a silo's membership row (the <c>silos.status</c> check constraint).</summary>
public static class SiloStatus
{
    /// <summary>Registered, not yet taking work.</summary>
    public const string Joining = "joining";

    /// <summary>Takes lanes and uploads.</summary>
    public const string Active = "active";

    /// <summary>Finishing in-flight work; gateways send it nothing new.</summary>
    public const string Draining = "draining";

    /// <summary>Missed its heartbeats; its row is deleted later.</summary>
    public const string Dead = "dead";
}
