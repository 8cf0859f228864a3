using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PriceIngest.Grains.Batches;
using PriceIngest.Grains.ReferenceData;
using PriceIngest.Grains.Services;

namespace PriceIngest.Grains.SampleData;

/// <summary>
/// Local mode's first start: when the database has no ports at all, load a generated sample
/// through the same services a client uses (reference upload, then one batch), and sample
/// exchange rates (<see cref="SampleExchangeRates"/>) while a sample database has none.
/// </summary>
public sealed partial class SampleDataSeeder(
    Npgsql.NpgsqlDataSource dataSource,
    ReferenceDataCache reference,
    IReferenceDataService referenceData,
    IIngestService ingest,
    IExchangeRatesService exchangeRates,
    SampleDataOptions options,
    ILogger<SampleDataSeeder> logger) : IHostedService
{
    public const string BatchId = "sample-data";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!await NeedsSeedAsync(cancellationToken))
        {
            await SeedExchangeRatesAsync(cancellationToken);
            return;
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var generator = new SampleDataGenerator(options);
        await referenceData.PutRegionsAsync(SampleDataGenerator.Regions(), replace: false, cancellationToken);
        await referenceData.PutPortsAsync(generator.Ports(), AbsentPorts.Kept, cancellationToken);
        var outcome = await ingest.UploadAsync(new BatchHeader(BatchId, "sample data", null), Chunks(generator, cancellationToken), cancellationToken);
        var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        var snapshot = reference.Current;
        LogSeeded(logger, snapshot.PortsByCode.Count, snapshot.Regions.Count, outcome.Items, outcome.State, seconds);
        await SeedExchangeRatesAsync(cancellationToken);
    }

    /// <summary>A database of sample ports only (a user's own ports never get sample rates) with no exchange rate yet.</summary>
    private async Task SeedExchangeRatesAsync(CancellationToken cancellationToken)
    {
        var sample = new SampleDataGenerator(options).Ports().Select(p => p.Code).ToHashSet(StringComparer.Ordinal);
        if (!reference.Current.PortsByCode.Keys.All(sample.Contains))
        {
            return;
        }

        await using (var command = dataSource.CreateCommand("select exists (select 1 from exchange_rates)"))
        {
            if ((bool)(await command.ExecuteScalarAsync(cancellationToken))!)
            {
                return;
            }
        }

        var rates = SampleExchangeRates.For(options);
        await exchangeRates.PutAsync(rates, cancellationToken);
        LogSeededRates(logger, rates.Count, rates[0].Day, rates[^1].Day);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Seeds an empty database, and finishes a seed that was interrupted (only sample ports, no
    /// committed batch yet). Never touches a database that holds anything of a user's.
    /// </summary>
    private async Task<bool> NeedsSeedAsync(CancellationToken cancellationToken)
    {
        var ports = reference.Current.PortsByCode.Keys;
        if (ports.Length == 0)
        {
            return true;
        }

        var sample = new SampleDataGenerator(options).Ports().Select(p => p.Code).ToHashSet(StringComparer.Ordinal);
        if (!ports.All(sample.Contains))
        {
            return false;
        }

        await using var command = dataSource.CreateCommand("select not exists (select 1 from batches where state = 'committed')");
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async IAsyncEnumerable<PriceChunk> Chunks(SampleDataGenerator generator, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var items = ImmutableArray.CreateBuilder<PriceItem>(8192);
        long first = 0;
        foreach (var (origin, destination, day, price) in generator.Prices())
        {
            items.Add(new(origin, destination, day, price));
            if (items.Count == items.Capacity)
            {
                yield return new PriceChunk(first, items.MoveToImmutable(), []);
                first += items.Capacity;
                cancellationToken.ThrowIfCancellationRequested();
                await Task.Yield();
            }
        }

        if (items.Count > 0)
        {
            yield return new PriceChunk(first, items.ToImmutable(), []);
        }
    }

    [LoggerMessage(EventId = 2300, Level = LogLevel.Information,
        Message = "Seeded sample data: {Ports} ports, {Regions} regions, {Prices} prices ({State}) in {Seconds:F1} s")]
    private static partial void LogSeeded(ILogger logger, int ports, int regions, long prices, BatchState state, double seconds);

    [LoggerMessage(EventId = 2301, Level = LogLevel.Information, Message = "Seeded {Rates} sample exchange rates (CNY, EUR, GBP, JPY) from {First} to {Last}")]
    private static partial void LogSeededRates(ILogger logger, int rates, DateOnly first, DateOnly last);
}
