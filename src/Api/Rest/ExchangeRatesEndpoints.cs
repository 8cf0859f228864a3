using System.Globalization;
using Microsoft.AspNetCore.Http;
using PriceIngest.Grains.Services;

namespace PriceIngest.Api.Rest;

/// <summary>
/// <c>PUT /exchange-rates</c> (CSV <c>day,currency,rate</c>: units of the currency per 1 USD) upserts
/// them all or none; <c>GET /exchange-rates?day=D</c> lists a day's rates.
/// </summary>
internal static class ExchangeRatesEndpoints
{
    /// <summary>Far above any real rate (the largest are around 10^5 per USD), far below what numeric holds.</summary>
    private const decimal MaxRate = 1_000_000_000_000m;

    public static async Task<IResult> PutAsync(HttpContext context, IExchangeRatesService exchangeRates)
    {
        var (rows, problem) = await CsvTableBody.ReadAsync(context, ["day", "currency", "rate"], "exchange rates");
        if (problem is not null)
        {
            return problem;
        }

        var rates = new List<ExchangeRate>(rows!.Count);
        var errors = new List<string>();
        var seen = new HashSet<(DateOnly, string)>();
        for (var i = 0; i < rows.Count; i++)
        {
            var (day, currency, rate) = (rows[i][0], rows[i][1], rows[i][2]);
            var row = $"row {i + 1}";
            var dayValid = DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsedDay);
            if (!dayValid)
            {
                errors.Add($"{row}: day '{day}' is not a real date in YYYY-MM-DD form");
            }

            if (!Currencies.IsKnown(currency))
            {
                errors.Add($"{row}: currency '{currency}' is not an ISO 4217 currency code (e.g. EUR)");
            }

            if (!decimal.TryParse(rate, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsedRate) || parsedRate <= 0 || parsedRate > MaxRate)
            {
                errors.Add($"{row}: rate '{rate}' must be a positive decimal number (units of the currency per 1 USD, e.g. 0.9123)");
            }
            else if (currency == Currencies.Usd && parsedRate != 1)
            {
                errors.Add($"{row}: the rate of USD is 1 by definition, not {rate}");
            }

            if (dayValid && !seen.Add((parsedDay, currency)))
            {
                errors.Add($"{row}: {currency} on {day} appears twice");
            }

            rates.Add(new ExchangeRate(parsedDay, currency, parsedRate));
        }

        if (errors.Count > 0)
        {
            return Problems.Status(StatusCodes.Status400BadRequest, "Invalid exchange rates", $"{errors.Count} problem(s); nothing was changed", errors);
        }

        return Results.Json(new { rates = await exchangeRates.PutAsync(rates, context.RequestAborted) });
    }

    public static async Task<IResult> GetAsync(HttpContext context, IExchangeRatesService exchangeRates)
    {
        var day = context.Request.Query["day"];
        if (day.Count != 1 || !DateOnly.TryParseExact(day.ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return Problems.BadParameter("day", "day is required, once, as a real date in YYYY-MM-DD form");
        }

        var rates = await exchangeRates.GetAsync(parsed, context.RequestAborted);
        return Results.Json(rates.Select(r => new { currency = r.Currency, rate = r.Rate }));
    }
}
