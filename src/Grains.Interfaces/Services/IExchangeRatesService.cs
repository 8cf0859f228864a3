using System.Collections.Immutable;

namespace PriceIngest.Grains.Services;

/// <summary>Exchange rates per (day, currency): upserted atomically, read by day.</summary>
public interface IExchangeRatesService
{
    /// <summary>Upserts every rate in one transaction; returns how many were given.</summary>
    Task<int> PutAsync(IReadOnlyList<ExchangeRate> rates, CancellationToken cancellationToken);

    /// <summary>The rates of one day, by currency.</summary>
    Task<ImmutableArray<ExchangeRate>> GetAsync(DateOnly day, CancellationToken cancellationToken);
}
