using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace PriceIngest.Api.Limits;

/// <summary>At most <see cref="CallerLimitsOptions.UploadsPerCaller"/> uploads open per caller; no queue.</summary>
internal sealed class UploadsPerCallerPolicy(IOptions<CallerLimitsOptions> options, LimitsMetrics metrics) : IRateLimiterPolicy<string>
{
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => (rejected, _) =>
    {
        metrics.Refused("uploads_per_caller");
        var context = rejected.HttpContext;
        return LimitAnswers.TooManyAsync(context, TimeSpan.FromSeconds(1),
            $"{Callers.Of(context)} already has {options.Value.UploadsPerCaller} uploads open on this server (Limits:UploadsPerCaller); send this one when one of them has finished");
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        RateLimitPartition.GetConcurrencyLimiter(Callers.Of(httpContext), _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = options.Value.UploadsPerCaller,
            QueueLimit = 0,
        });
}
