using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using PriceIngest.Api.Security;
using PriceIngest.Contracts.V1;
using PriceIngest.Grains.Services;
using Grpc.Core;

namespace PriceIngest.Api.Grpc;

/// <summary><c>priceingest.v1.PriceService</c> over <see cref="IRatesService"/>: the same answers as <c>GET /rates</c>.</summary>
[Authorize(Policy = ApiPolicies.Read)]
internal sealed class PriceGrpcService(IRatesService rates) : PriceService.PriceServiceBase
{
    public override async Task<RatesReply> GetRates(RatesRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var query = RatesRequests.ToQuery(request);
        System.Collections.Immutable.ImmutableArray<Grains.Services.DayRate> days;
        try
        {
            days = await rates.GetRatesAsync(query, context.CancellationToken);
        }
        catch (Exception e) when (DomainStatus.From(e) is { } rpc)
        {
            throw rpc;
        }

        var reply = new RatesReply();
        foreach (var day in days)
        {
            var rate = new Contracts.V1.DayRate { Day = day.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Count = day.Count };
            if (day.AveragePrice is { } average)
            {
                rate.AveragePrice = average;
            }

            reply.Days.Add(rate);
        }

        return reply;
    }
}
