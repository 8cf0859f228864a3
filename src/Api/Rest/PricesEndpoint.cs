using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using PriceIngest.Formats;
using PriceIngest.Grains.Batches;
using PriceIngest.Grains.Services;

namespace PriceIngest.Api.Rest;

/// <summary>
/// <c>POST /prices</c> (the original assignment's upload): <c>{"date_from","date_to","origin_code",
/// "destination_code","price"}</c> (and optionally <c>"currency"</c>) becomes one price per day of
/// the range, committed as one batch; each day's price is converted with that day's rate.
/// </summary>
internal static class PricesEndpoint
{
    public static async Task<IResult> PostAsync(HttpContext context, IIngestService ingest, IOptions<RestOptions> options)
    {
        if (BatchesEndpoints.ReadBatchId(context, out var problem) is not { } id)
        {
            return problem!;
        }

        PriceRangeJson? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<PriceRangeJson>(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException e)
        {
            return Problems.Status(StatusCodes.Status400BadRequest, "Malformed body", $"the body is not the expected JSON object: {e.Message}");
        }
        catch (BadHttpRequestException e)
        {
            return Problems.Status(e.StatusCode, "Bad request body", $"{e.Message}; nothing was written");
        }

        if (body is null)
        {
            return Problems.Status(StatusCodes.Status400BadRequest, "Malformed body", "the body is empty");
        }

        foreach (var (name, value) in new[] { ("date_from", body.DateFrom), ("date_to", body.DateTo), ("origin_code", body.OriginCode), ("destination_code", body.DestinationCode) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return Problems.BadParameter(name, $"{name} is required");
            }
        }

        if (!TryDate(body.DateFrom!, out var from))
        {
            return Problems.BadParameter("date_from", $"date_from '{body.DateFrom}' is not a real date in YYYY-MM-DD form");
        }

        if (!TryDate(body.DateTo!, out var to))
        {
            return Problems.BadParameter("date_to", $"date_to '{body.DateTo}' is not a real date in YYYY-MM-DD form");
        }

        if (from > to)
        {
            return Problems.BadParameter("date_from", "date_from is after date_to");
        }

        if (to.DayNumber - from.DayNumber + 1 > options.Value.MaxPriceRangeDays)
        {
            return Problems.BadParameter("date_to", $"the range has more than {options.Value.MaxPriceRangeDays} days (Rest:MaxPriceRangeDays)");
        }

        if (body.Price is not { } amount || !PriceAmount.TrySplit(amount, out var price, out var nanos))
        {
            return Problems.BadParameter("price", "price is required and must be a number with at most 9 decimal places");
        }

        var currency = string.IsNullOrWhiteSpace(body.Currency) ? null : body.Currency.Trim();
        var items = Enumerable.Range(0, to.DayNumber - from.DayNumber + 1)
            .Select(i => new PriceItem(body.OriginCode!.Trim(), body.DestinationCode!.Trim(), from.AddDays(i), price, currency, nanos))
            .ToImmutableArray();
        return await BatchesEndpoints.UploadAsync(ingest, new BatchHeader(id, "POST /prices", items.Length),
            One(new PriceChunk(0, items, [])), context.RequestAborted);
    }

    private static bool TryDate(string text, out DateOnly day) =>
        DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

    private static async IAsyncEnumerable<PriceChunk> One(PriceChunk chunk)
    {
        await Task.CompletedTask;
        yield return chunk;
    }

    private sealed record PriceRangeJson(
        [property: JsonPropertyName("date_from")] string? DateFrom,
        [property: JsonPropertyName("date_to")] string? DateTo,
        [property: JsonPropertyName("origin_code")] string? OriginCode,
        [property: JsonPropertyName("destination_code")] string? DestinationCode,
        [property: JsonPropertyName("price")] decimal? Price,
        [property: JsonPropertyName("currency")] string? Currency);
}
