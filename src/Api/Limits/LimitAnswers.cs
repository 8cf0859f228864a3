using System.Globalization;
using Microsoft.AspNetCore.Http;
using PriceIngest.Api.Hosting;

namespace PriceIngest.Api.Limits;

/// <summary>A caller over its limit: REST 429 problem+json, gRPC RESOURCE_EXHAUSTED; both with Retry-After.</summary>
internal static class LimitAnswers
{
    public static ValueTask TooManyAsync(HttpContext context, TimeSpan retryAfter, string detail)
    {
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return GrpcTrailersOnly.IsGrpc(context)
            ? new(GrpcTrailersOnly.WriteAsync(context, 8 /* RESOURCE_EXHAUSTED */, detail))
            : new(Results.Problem(detail, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests").ExecuteAsync(context));
    }
}
