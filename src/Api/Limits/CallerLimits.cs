using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace PriceIngest.Api.Limits;

/// <summary>
/// Per-caller limits with ASP.NET Core's rate limiter: open uploads (the <see cref="UploadsPolicy"/>
/// on every upload endpoint) and, when configured, requests per second on everything but health.
/// </summary>
public static class CallerLimits
{
    /// <summary>The rate limiting policy every upload endpoint names.</summary>
    public const string UploadsPolicy = "uploads";

    public static IServiceCollection AddCallerLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CallerLimitsOptions>().Bind(configuration.GetSection(CallerLimitsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<LimitsMetrics>();
        services.AddSingleton<UploadStalls>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<CallerLimitsOptions>, LimitsMetrics>((limiter, options, metrics) =>
        {
            limiter.AddPolicy<string, UploadsPerCallerPolicy>(UploadsPolicy);
            var perSecond = options.Value.RequestsPerSecondPerCaller;
            if (perSecond == 0)
            {
                return;
            }

            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.GetTokenBucketLimiter(
                Callers.Of(context), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = perSecond,
                    TokensPerPeriod = perSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                }));
            limiter.OnRejected = (rejected, _) =>
            {
                metrics.Refused("requests_per_caller");
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
                return LimitAnswers.TooManyAsync(rejected.HttpContext, retryAfter,
                    $"{Callers.Of(rejected.HttpContext)} sent more than {perSecond} requests in a second (Limits:RequestsPerSecondPerCaller); slow down");
            };
        });
        return services;
    }

    /// <summary>After authentication, so that a limit counts against the key that called.</summary>
    public static IApplicationBuilder UseCallerLimits(this IApplicationBuilder app) => app.UseRateLimiter();
}
