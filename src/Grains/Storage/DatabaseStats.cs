using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace PriceIngest.Grains.Storage;

/// <summary>
/// PostgreSQL as the product sees it (meter "PriceIngest.Database"), read every
/// <see cref="DatabaseStatsOptions.Interval"/> rather than at scrape time so that a scrape never
/// waits for the database: whether it answers, the database's and the price table's size, how
/// many segments the price table has, dead and live tuples (autovacuum falling behind), connections,
/// and how far each standby trails the primary.
/// </summary>
internal sealed class DatabaseStats : BackgroundService
{
    public const string MeterName = "PriceIngest.Database";

    private readonly NpgsqlDataSource _dataSource;
    private readonly IOptions<DatabaseStatsOptions> _options;
    private volatile Reading? _last;
    private volatile bool _up;

    public DatabaseStats(IMeterFactory meters, NpgsqlDataSource dataSource, IOptions<DatabaseStatsOptions> options)
    {
        _dataSource = dataSource;
        _options = options;
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("priceingest.db.up", () => _up ? 1 : 0, description: "1 when PostgreSQL answered the last statistics read, else 0");
        meter.CreateObservableGauge("priceingest.db.size", () => Value(r => r.DatabaseBytes), "By", "Size of the prices database");
        meter.CreateObservableGauge("priceingest.db.prices.size", () => Value(r => r.PricesBytes), "By", "Size of the price table: every segment with its indexes");
        meter.CreateObservableGauge("priceingest.db.prices.segments", () => Value(r => r.Segments), "{segment}", "Segments (partitions) of the price table");
        meter.CreateObservableGauge("priceingest.db.tuples.dead", () => Value(r => r.DeadTuples), "{tuple}", "Dead tuples over the database's tables (vacuum has not reclaimed them yet)");
        meter.CreateObservableGauge("priceingest.db.tuples.live", () => Value(r => r.LiveTuples), "{tuple}", "Live tuples over the database's tables");
        meter.CreateObservableGauge("priceingest.db.connections", () => Value(r => r.Connections), "{connection}", "Connections to the prices database, from every client");
        meter.CreateObservableGauge("priceingest.db.standbys", () => Value(r => r.Standbys), "{standby}", "Standbys streaming from this primary");
        meter.CreateObservableGauge("priceingest.db.replication.lag", () => Value(r => r.ReplayLagSeconds), "s", "Replay lag of the slowest standby (0 without one)");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.Value.Interval);
        do
        {
            try
            {
                _last = await ReadAsync(stoppingToken);
                _up = true;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                _up = false;
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private IEnumerable<Measurement<double>> Value(Func<Reading, double> pick) =>
        _last is { } reading ? [new Measurement<double>(pick(reading))] : [];

    private async Task<Reading> ReadAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("""
            select pg_database_size(current_database())::float8,
                   (select coalesce(sum(pg_total_relation_size(i.inhrelid)), 0)::float8 from pg_inherits i where i.inhparent = 'prices'::regclass),
                   (select count(*)::float8 from pg_inherits i where i.inhparent = 'prices'::regclass),
                   (select coalesce(sum(n_dead_tup), 0)::float8 from pg_stat_user_tables),
                   (select coalesce(sum(n_live_tup), 0)::float8 from pg_stat_user_tables),
                   (select count(*)::float8 from pg_stat_activity where datname = current_database()),
                   (select count(*)::float8 from pg_stat_replication),
                   (select coalesce(max(extract(epoch from replay_lag)), 0)::float8 from pg_stat_replication)
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new Reading(reader.GetDouble(0), reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3),
            reader.GetDouble(4), reader.GetDouble(5), reader.GetDouble(6), reader.GetDouble(7));
    }

    private sealed record Reading(double DatabaseBytes, double PricesBytes, double Segments, double DeadTuples,
        double LiveTuples, double Connections, double Standbys, double ReplayLagSeconds);
}
