using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PriceIngest.Formats;

namespace PriceIngest.Api.Security;

/// <summary>
/// Authenticates <c>Authorization: Bearer KEY</c> (REST) or the <c>authorization</c> metadata entry
/// (gRPC, the same HTTP/2 header) against <see cref="ApiKeyStore"/>. Without a keys file every
/// caller is the anonymous admin.
/// </summary>
internal sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    /// <summary>The caller's name when no keys file is configured.</summary>
    public const string AnonymousName = "anonymous";

    public const string RoleClaim = "priceingest:role";

    /// <summary>Why the last authentication of this request failed, for the 401 answer.</summary>
    internal const string FailureItem = "priceingest:auth-failure";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!keys.Enabled)
        {
            return Task.FromResult(Success(AnonymousName, ApiRole.Admin));
        }

        var header = Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return Task.FromResult(Fail("no API key: send 'Authorization: Bearer KEY'"));
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(Fail("the Authorization header must be 'Bearer KEY'"));
        }

        return Task.FromResult(keys.Find(header.AsSpan(7).Trim()) is { } key
            ? Success(key.Name, key.Role)
            : Fail("the API key is not valid (unknown or revoked)"));
    }

    private AuthenticateResult Fail(string reason)
    {
        Context.Items[FailureItem] = reason;
        return AuthenticateResult.Fail(reason);
    }

    private static AuthenticateResult Success(string name, ApiRole role)
    {
        var identity = new ClaimsIdentity([new(ClaimTypes.Name, name), new(RoleClaim, ApiKeyFile.RoleName(role))], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
