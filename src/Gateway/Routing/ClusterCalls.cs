using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Polly;
using Polly.Retry;
using PriceIngest.Gateway.Hosting;
using PriceIngest.Grains.Services;

namespace PriceIngest.Gateway.Routing;

/// <summary>
/// The gateway's retry policy for calls into the cluster: a call that meets a silo going away (it
/// stopped, died, or could not be reached in time) is tried again, up to
/// <see cref="GatewayOptions.MaxAttempts"/> attempts with exponential backoff (and jitter) from
/// <see cref="GatewayOptions.RetryDelay"/>; Orleans routes the retry to a silo that is still there.
/// Only calls that are safe to repeat come here: lookups, batch reads, reference data uploads
/// (idempotent upserts), and uploads the gateway can replay whole under the same batch id.
/// </summary>
internal sealed class ClusterCalls
{
    private static readonly ResiliencePropertyKey<string> Kind = new("priceingest.kind");
    private static readonly ResiliencePropertyKey<Func<Exception, bool>?> AlsoRetry = new("priceingest.also-retry");
    private readonly ResiliencePipeline _pipeline;
    private readonly GatewayMetrics _metrics;

    public ClusterCalls(IOptions<GatewayOptions> options, GatewayMetrics metrics)
    {
        var o = options.Value;
        _metrics = metrics;
        _pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e
                    && !args.Context.CancellationToken.IsCancellationRequested
                    && (IsSiloGone(e) || args.Context.Properties.GetValue(AlsoRetry, null)?.Invoke(e) == true)),
                MaxRetryAttempts = o.MaxAttempts - 1,
                Delay = o.RetryDelay,
                MaxDelay = TimeSpan.FromSeconds(2),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    _metrics.Retry(args.Context.Properties.GetValue(Kind, "call"));
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>A failure that says nothing about the request, only about the silo it met.</summary>
    public static bool IsSiloGone(Exception exception) => exception is OrleansMessageRejectionException or ConnectionFailedException
        or GatewayTooBusyException or TimeoutException or ServiceUnavailableException { OtherSiloMayServe: true };

    /// <summary>
    /// Runs <paramref name="call"/> under the policy; <paramref name="alsoRetry"/> names further
    /// failures worth another attempt. When the attempts run out on a silo failure, the caller gets
    /// <see cref="ServiceUnavailableException"/> (503 / UNAVAILABLE: nothing was written).
    /// </summary>
    public async Task<T> RunAsync<T>(string kind, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken, Func<Exception, bool>? alsoRetry = null)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(Kind, kind);
        context.Properties.Set(AlsoRetry, alsoRetry);
        try
        {
            _metrics.Call(kind);
            return await _pipeline.ExecuteAsync(static (ctx, state) => new ValueTask<T>(state(ctx.CancellationToken)), context, call);
        }
        catch (Exception e) when (IsSiloGone(e) && e is not ServiceUnavailableException && !cancellationToken.IsCancellationRequested)
        {
            _metrics.Exhausted(kind);
            throw new ServiceUnavailableException("no silo could answer within the retries this gateway allows (Gateway:MaxAttempts); nothing was written, retry shortly", e);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
