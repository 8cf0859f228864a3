namespace PriceIngest.Api.Security;

/// <summary>The authorization policies of the public APIs, one per role (see <see cref="Formats.ApiRole"/>).</summary>
public static class ApiPolicies
{
    public const string Read = "read";

    public const string Ingest = "ingest";

    public const string Admin = "admin";
}
