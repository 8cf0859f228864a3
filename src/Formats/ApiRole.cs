namespace PriceIngest.Formats;

/// <summary>What an API key may do; each role includes the ones before it.</summary>
public enum ApiRole
{
    /// <summary>Rates and batch status.</summary>
    Read = 1,

    /// <summary>Read, plus uploads (<c>POST /batches</c>, <c>POST /prices</c>, gRPC uploads).</summary>
    Ingest = 2,

    /// <summary>Everything: reference data and the operator pages too.</summary>
    Admin = 3,
}
