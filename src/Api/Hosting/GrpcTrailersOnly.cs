using Microsoft.AspNetCore.Http;

namespace PriceIngest.Api.Hosting;

/// <summary>
/// A gRPC answer written by middleware before any handler runs (refused key, limit reached): status
/// and message in the headers of an empty 200 response, as gRPC's trailers-only form.
/// </summary>
internal static class GrpcTrailersOnly
{
    public static bool IsGrpc(HttpContext context) =>
        context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;

    public static Task WriteAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
        return Task.CompletedTask;
    }
}
