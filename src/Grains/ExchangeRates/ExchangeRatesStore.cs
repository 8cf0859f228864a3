using System.Collections.Immutable;
using Npgsql;
using PriceIngest.Grains.Services;

namespace PriceIngest.Grains.ExchangeRates;

/// <summary>Exchange rates in PostgreSQL (<c>exchange_rates</c>): one statement per upload, so it is all or nothing.</summary>
internal sealed class ExchangeRatesStore(NpgsqlDataSource dataSource) : IExchangeRatesService
{
    public async Task<int> PutAsync(IReadOnlyList<ExchangeRate> rates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rates);
        try
        {
            await using var command = dataSource.CreateCommand("""
                insert into exchange_rates (day, currency, rate)
                select * from unnest($1::date[], $2::text[], $3::numeric[])
                on conflict (day, currency) do update set rate = excluded.rate
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = rates.Select(r => r.Day).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = rates.Select(r => r.Currency).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = rates.Select(r => r.Rate).ToArray() });
            await command.ExecuteNonQueryAsync(cancellationToken);
            return rates.Count;
        }
        catch (NpgsqlException e) when (e is not PostgresException || e.IsTransient)
        {
            throw new ServiceUnavailableException("the database is unreachable; no exchange rate was changed, retry shortly", e);
        }
    }

    /// <summary>Rates fetched from the exchange rate service: added where the table has none, never replacing one.</summary>
    public async Task AddMissingAsync(IReadOnlyList<ExchangeRate> rates, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand("""
                insert into exchange_rates (day, currency, rate)
                select * from unnest($1::date[], $2::text[], $3::numeric[])
                on conflict (day, currency) do nothing
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = rates.Select(r => r.Day).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = rates.Select(r => r.Currency).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = rates.Select(r => r.Rate).ToArray() });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (NpgsqlException e) when (e is not PostgresException || e.IsTransient)
        {
            throw new ServiceUnavailableException("the database is unreachable; the fetched exchange rates were not kept, retry shortly", e);
        }
    }

    public async Task<ImmutableArray<ExchangeRate>> GetAsync(DateOnly day, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand("select currency, rate from exchange_rates where day = $1 order by currency");
            command.Parameters.Add(new NpgsqlParameter { Value = day });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rates = ImmutableArray.CreateBuilder<ExchangeRate>();
            while (await reader.ReadAsync(cancellationToken))
            {
                rates.Add(new ExchangeRate(day, reader.GetString(0), reader.GetDecimal(1)));
            }

            return rates.ToImmutable();
        }
        catch (NpgsqlException e) when (e is not PostgresException || e.IsTransient)
        {
            throw new ServiceUnavailableException("the database is unreachable; retry shortly", e);
        }
    }
}
