using Npgsql;
using PriceIngest.Grains.Batches;
using PriceIngest.Grains.Services;

namespace PriceIngest.Grains.ExchangeRates;

/// <summary>
/// One upload's exchange rates: each currency's days are read from <c>exchange_rates</c> the
/// first time a chunk names it, and then used for the whole batch, so every item of a batch is
/// converted with the table as it was when its currency first appeared. A USD-only batch never
/// reads the table.
/// </summary>
internal sealed class ExchangeRateTable
{
    private readonly Dictionary<string, Dictionary<int, decimal>> _byCurrency = new(StringComparer.Ordinal);
    private readonly HashSet<int> _fetched = [];
    private readonly Dictionary<int, string> _fetchFailures = [];

    /// <summary>Currencies of <paramref name="chunk"/> not read yet (known ISO codes only); null when there are none.</summary>
    public List<string>? Unread(PriceChunk chunk)
    {
        List<string>? unread = null;
        string? last = null;
        foreach (var item in chunk.Items)
        {
            // Codecs intern codes, so a run of one currency is one reference.
            if (item.Currency is not { } currency || ReferenceEquals(currency, last))
            {
                continue;
            }

            last = currency;
            if (currency != Currencies.Usd && Currencies.IsKnown(currency) && !_byCurrency.ContainsKey(currency) && !(unread?.Contains(currency) ?? false))
            {
                (unread ??= []).Add(currency);
            }
        }

        return unread;
    }

    public async Task ReadAsync(NpgsqlConnection connection, List<string> currencies, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("select currency, day, rate from exchange_rates where currency = any($1)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = currencies.ToArray() });
        foreach (var currency in currencies)
        {
            _byCurrency[currency] = [];
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            _byCurrency[reader.GetString(0)][reader.GetFieldValue<DateOnly>(1).DayNumber] = reader.GetDecimal(2);
        }
    }

    /// <summary>
    /// Days of <paramref name="chunk"/> whose items name a currency already read but without a rate
    /// that day, and that were not fetched yet in this upload; null when there are none.
    /// </summary>
    public List<DateOnly>? Unfetched(PriceChunk chunk)
    {
        List<DateOnly>? days = null;
        foreach (var item in chunk.Items)
        {
            if (item.Currency is { } currency && item.Day is { } day && _byCurrency.TryGetValue(currency, out var rates)
                && !rates.ContainsKey(day.DayNumber) && !_fetched.Contains(day.DayNumber) && !(days?.Contains(day) ?? false))
            {
                (days ??= []).Add(day);
            }
        }

        return days;
    }

    /// <summary>A fetched day: its rates fill the currencies read so far where they have none (as the table keeps them).</summary>
    public void Fetched(DateOnly day, IReadOnlyList<ExchangeRate> rates)
    {
        _fetched.Add(day.DayNumber);
        foreach (var rate in rates)
        {
            if (_byCurrency.TryGetValue(rate.Currency, out var days))
            {
                days.TryAdd(day.DayNumber, rate.Rate);
            }
        }
    }

    /// <summary>A day whose fetch failed: not tried again in this upload; its items' errors give the reason.</summary>
    public void FetchFailed(DateOnly day, string reason)
    {
        _fetched.Add(day.DayNumber);
        _fetchFailures[day.DayNumber] = reason;
    }

    /// <summary>Why fetching <paramref name="day"/> failed, if it did.</summary>
    public string? FetchFailure(DateOnly day) => _fetchFailures.GetValueOrDefault(day.DayNumber);

    /// <summary>The rate (units of <paramref name="currency"/> per USD) of <paramref name="day"/>, if the table has it.</summary>
    public bool TryGet(string currency, DateOnly day, out decimal rate)
    {
        rate = 0;
        return _byCurrency.TryGetValue(currency, out var days) && days.TryGetValue(day.DayNumber, out rate);
    }
}
