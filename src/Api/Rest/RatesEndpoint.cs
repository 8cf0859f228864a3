using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PriceIngest.Grains.Services;

namespace PriceIngest.Api.Rest;

/// <summary>
/// <c>GET /rates?date_from=&amp;date_to=&amp;origin=&amp;destination=[&amp;include_count=true][&amp;min_commit_seq=N]</c>
/// -> <c>[{"day":"2016-01-01","average_price":1112}, ...]</c>: every day of the range in order,
/// the rounded average of all prices between the two places that day, null under 3 prices.
/// </summary>
internal static class RatesEndpoint
{
    public static async Task<IResult> GetAsync(HttpContext context, IRatesService rates)
    {
        var query = context.Request.Query;
        if (!QueryParameters.TryGetDate(query, "date_from", out var from, out var problem)
            || !QueryParameters.TryGetDate(query, "date_to", out var to, out problem)
            || !QueryParameters.TryGetText(query, "origin", out var origin, out problem)
            || !QueryParameters.TryGetText(query, "destination", out var destination, out problem)
            || !QueryParameters.TryGetFlag(query, "include_count", out var includeCount, out problem)
            || !QueryParameters.TryGetOptionalLong(query, "min_commit_seq", 0, out var minCommitSeq, out problem))
        {
            return problem!;
        }

        ImmutableArray<DayRate> days;
        try
        {
            days = await rates.GetRatesAsync(new RatesQuery(origin, destination, from, to, MinCommitSeq: minCommitSeq), context.RequestAborted);
        }
        catch (InvalidQueryException e)
        {
            return Problems.BadParameter(e.Parameter, e.Message);
        }
        catch (UnknownPlaceException e)
        {
            return Problems.NotFound("Unknown place", e.Message, e.Parameter, e.Value);
        }
        catch (CommitNotVisibleException e)
        {
            return Problems.Unavailable(e.Message);
        }
        catch (ServiceUnavailableException e)
        {
            return Problems.Unavailable(e.Message);
        }

        return new DaysResult(days, includeCount);
    }

    private sealed class DaysResult(ImmutableArray<DayRate> days, bool includeCount) : IResult
    {
        // Encoded once: a year's answer writes each name 365 times.
        private static readonly JsonEncodedText DayName = JsonEncodedText.Encode("day");
        private static readonly JsonEncodedText AverageName = JsonEncodedText.Encode("average_price");
        private static readonly JsonEncodedText CountName = JsonEncodedText.Encode("count");

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            await using var json = new Utf8JsonWriter(httpContext.Response.BodyWriter);
            json.WriteStartArray();
            Span<byte> date = stackalloc byte[10];
            foreach (var day in days)
            {
                json.WriteStartObject();
                day.Day.TryFormat(date, out var written, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                json.WriteString(DayName, date[..written]);
                if (day.AveragePrice is { } average)
                {
                    json.WriteNumber(AverageName, average);
                }
                else
                {
                    json.WriteNull(AverageName);
                }

                if (includeCount)
                {
                    json.WriteNumber(CountName, day.Count);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            await json.FlushAsync(httpContext.RequestAborted);
        }
    }
}
