using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using PriceIngest.Api.Security;

namespace PriceIngest.Api.Limits;

/// <summary>Who a limit counts against: the API key's name, or the remote address without keys.</summary>
internal static class Callers
{
    public static string Of(HttpContext context) =>
        context.User.Identity is { IsAuthenticated: true, Name: { } name } && name != ApiKeyAuthentication.AnonymousName
            ? $"key '{name}'"
            : $"address {context.Connection.RemoteIpAddress}";
}
