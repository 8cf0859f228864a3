using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using PriceIngest.Grains.Services;

namespace PriceIngest.Api.Rest;

/// <summary>
/// Any REST call that fails because the database or a silo is unreachable answers 503 with
/// Retry-After, never 500, whichever endpoint it was (the endpoints map their own other outcomes).
/// </summary>
internal sealed class UnavailableAnswers : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is not ServiceUnavailableException unavailable || httpContext.Response.HasStarted)
        {
            return false;
        }

        await Problems.Unavailable(unavailable.Message).ExecuteAsync(httpContext);
        return true;
    }
}
