using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using PriceIngest.Contracts.Internal.V1;
using PriceIngest.Gateway.Hosting;
using PriceIngest.Grains.Membership;
using PriceIngest.Grains.Rates;
using PriceIngest.Grains.ReferenceData;
using PriceIngest.Grains.Services;
using Grpc.Core;

namespace PriceIngest.Gateway.Routing;

/// <summary>
/// Rates across the cluster: resolve both places to lanes (reference data cached here), group
/// the lanes by owning silo (rendezvous over the active silos), ask each silo once for the
/// per-day sums and counts of its lanes, add them up and average. Sums and counts add exactly,
/// so the answer is the single-silo answer. The lanes of a silo that fails are asked of the next
/// silo in rendezvous order, up to <see cref="GatewayOptions.MaxAttempts"/>.
/// </summary>
internal sealed class ClusterRatesService(
    ReferenceDataCache reference,
    SiloChannels silos,
    GatewayMetrics metrics,
    IOptions<RatesOptions> rates,
    IOptions<GatewayOptions> options) : IRatesService
{
    private const string Kind = "lookup";

    public async Task<ImmutableArray<DayRate>> GetRatesAsync(RatesQuery query, CancellationToken cancellationToken)
    {
        var plan = RatesPlan.Create(query, reference.Current, rates.Value);
        var sums = new DaySums(query.From, plan.Length);
        IReadOnlyCollection<int> pending = plan.Lanes;
        var excluded = new HashSet<Guid>();
        Exception? last = null;
        for (var attempt = 1; attempt <= options.Value.MaxAttempts && pending.Count > 0; attempt++)
        {
            var candidates = silos.Candidates(excluded);
            if (candidates.Count == 0)
            {
                break;
            }

            if (attempt > 1)
            {
                metrics.Retry(Kind);
            }

            var groups = Rendezvous.Group(pending, candidates);
            var calls = groups.Select(g => SumAsync(g.Key, g.Value, plan, cancellationToken)).ToArray();
            var failed = new List<int>();
            foreach (var (silo, lanes, reply, failure) in await Task.WhenAll(calls))
            {
                if (reply is not null)
                {
                    sums.Add(reply.Sums, reply.Counts);
                    continue;
                }

                if (!SiloFailures.MayRetryElsewhere(failure!) || cancellationToken.IsCancellationRequested)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    throw failure is RpcException rpc ? SiloFailures.ToDomain(rpc) : failure!;
                }

                last = failure;
                excluded.Add(silo.Id);
                if (!SiloFailures.AnsweredUnavailable(failure!))
                {
                    silos.Suspect(silo);
                }

                failed.AddRange(lanes);
            }

            pending = failed;
        }

        if (pending.Count == 0)
        {
            return sums.ToRates(query.MinCount);
        }

        if (last is null)
        {
            metrics.NoSilo(Kind);
            throw new ServiceUnavailableException("no silo is active right now; retry shortly");
        }

        metrics.Exhausted(Kind);
        throw new ServiceUnavailableException(
            $"no silo could answer after {options.Value.MaxAttempts} attempts (last: {(last as RpcException)?.Status.Detail ?? last.Message}); retry shortly", last);
    }

    private async Task<(SiloEntry Silo, List<int> Lanes, SumLanesReply? Reply, Exception? Failure)> SumAsync(
        SiloEntry silo, List<int> lanes, RatesPlan plan, CancellationToken cancellationToken)
    {
        var request = new SumLanesRequest
        {
            DayFrom = plan.Query.From.DayNumber,
            DayTo = plan.Query.To.DayNumber,
            MinCommitSeq = plan.Query.MinCommitSeq ?? 0,
        };
        request.Lanes.Add(lanes);
        metrics.Call(Kind, silo.Endpoint);
        try
        {
            var reply = await silos.Silo(silo).SumLanesAsync(
                request, deadline: DateTime.UtcNow + options.Value.SiloCallTimeout, cancellationToken: cancellationToken);
            return (silo, lanes, reply, null);
        }
        catch (Exception e) when (e is RpcException or HttpRequestException or IOException)
        {
            return (silo, lanes, null, e);
        }
    }
}
