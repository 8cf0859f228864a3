using Microsoft.AspNetCore.Http;

namespace PriceIngest.Api.Rest;

/// <summary>RFC 9457 problem responses that name what was wrong.</summary>
internal static class Problems
{
    public static IResult BadParameter(string parameter, string detail) =>
        Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid parameter",
            extensions: new Dictionary<string, object?> { ["parameter"] = parameter });

    public static IResult NotFound(string title, string detail, string parameter, string value) =>
        Results.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: title,
            extensions: new Dictionary<string, object?> { ["parameter"] = parameter, ["value"] = value });

    public static IResult Status(int status, string title, string detail, IReadOnlyList<string>? errors = null) =>
        Results.Problem(detail, statusCode: status, title: title,
            extensions: errors is null ? null : new Dictionary<string, object?> { ["errors"] = errors });

    public static IResult Unavailable(string detail, int retryAfterSeconds = 1) => new RetryAfter(
        Results.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Temporarily unavailable"), retryAfterSeconds);

    private sealed class RetryAfter(IResult inner, int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
