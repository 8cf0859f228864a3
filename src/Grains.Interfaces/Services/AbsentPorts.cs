namespace PriceIngest.Grains.Services;

/// <summary>
/// What a port upload does with the known ports it does not list. A removed port is kept aside
/// with its id (see the storage notes), so its id, and the prices stored under it, never pass to
/// another code; uploading its code again brings it back with them.
/// </summary>
public enum AbsentPorts
{
    /// <summary>An upsert: ports not listed stay.</summary>
    Kept,

    /// <summary>Ports not listed are removed; refused as a whole if one of them has prices.</summary>
    Removed,

    /// <summary>Ports not listed are removed, those with prices too: their prices then answer for no code.</summary>
    Retired,
}
