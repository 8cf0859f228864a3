using Npgsql;

namespace PriceIngest.Bench.Data;

/// <summary>
/// Exchange rates for the bench's EUR batches, and the conversion rule written again here
/// (round(price / rate) half away from zero), so the textbook table checks the service's result.
/// </summary>
public static class EuroRates
{
    /// <summary>A rate between 0.9 and 1.0 for every day of <paramref name="rows"/>, five decimals, different from day to day.</summary>
    public static Dictionary<DateOnly, decimal> For(IEnumerable<PriceRow> rows) =>
        rows.Select(r => r.Day).Distinct().ToDictionary(day => day, day => 0.9m + (day.DayNumber * 7919 % 10_007 / 100_000m));

    public static int ToUsd(int price, decimal rate) => (int)decimal.Round(price / rate, MidpointRounding.AwayFromZero);

    /// <summary>Writes the rates into the service's <c>exchange_rates</c> table (upserted).</summary>
    public static async Task PutAsync(NpgsqlDataSource dataSource, Dictionary<DateOnly, decimal> rates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(rates);
        await using var command = dataSource.CreateCommand("""
            insert into public.exchange_rates (day, currency, rate)
            select day, 'EUR', rate from unnest($1::date[], $2::numeric[]) as r(day, rate)
            on conflict (day, currency) do update set rate = excluded.rate
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = rates.Keys.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = rates.Values.ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
