using PriceIngest.Grains.Services;

namespace PriceIngest.Grains.SampleData;

/// <summary>
/// Local mode's sample exchange rates: EUR, GBP, CNY and JPY for every day of the sample's range,
/// starting near their real 2016-01-01 values and moving by at most 0.3% a day. Decimal arithmetic
/// on a seeded walk, so every machine seeds the same rates.
/// </summary>
public static class SampleExchangeRates
{
    private static readonly (string Currency, decimal FirstRate, int Decimals)[] Currencies =
    [
        ("CNY", 6.4936m, 4),
        ("EUR", 0.920135m, 6),
        ("GBP", 0.678421m, 6),
        ("JPY", 120.21m, 2),
    ];

    public static IReadOnlyList<ExchangeRate> For(SampleDataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var random = new Random(options.Seed);
        var rates = new List<ExchangeRate>(Currencies.Length * options.Days);
        foreach (var (currency, first, decimals) in Currencies)
        {
            var rate = first;
            for (var day = 0; day < options.Days; day++)
            {
                rates.Add(new ExchangeRate(options.FirstDay.AddDays(day), currency, rate));
                rate = decimal.Round(rate * (1 + (random.Next(-30, 31) / 10_000m)), decimals, MidpointRounding.AwayFromZero);
            }
        }

        return rates;
    }
}
