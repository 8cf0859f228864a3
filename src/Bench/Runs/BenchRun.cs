using System.Globalization;
using Npgsql;
using PriceIngest.Bench.Contenders;
using PriceIngest.Bench.Contenders.Service;
using PriceIngest.Bench.Contenders.Sql;
using PriceIngest.Bench.Data;
using PriceIngest.Bench.Hosting;
using PriceIngest.Bench.Measurement;
using PriceIngest.Bench.Reporting;
using PriceIngest.Bench.Workloads;

namespace PriceIngest.Bench.Runs;

/// <summary>
/// One run from nothing: PostgreSQL, the silo process, reference data, the base through the service
/// and into the plain-SQL tables, expected answers, then lookups (cold, memory, warm) and ingest,
/// then checks, targets and the report.
/// </summary>
public sealed class BenchRun(BenchSettings settings, Narrator say)
{
    public async Task<BenchReport> RunAsync(CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var loadAtStart = MachineInfo.LoadAverage();
        var clock = Elapsed.Now();
        var setup = new Dictionary<string, double>(StringComparer.Ordinal);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(settings.OutputPath))!);
        File.Delete(settings.SiloLogPath);

        say.Step(settings.ConnectionString is null ? "starting a throwaway PostgreSQL" : "opening the given database");
        var step = Elapsed.Now();
        await using var database = await BenchDatabase.OpenAsync(settings.ConnectionString, cancellationToken);
        setup["PostgreSQL start"] = Elapsed.MillisecondsSince(step) / 1000;
        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString)
        {
            MaxPoolSize = 100,
            NoResetOnClose = true,
            MaxAutoPrepare = 20,
            AutoPrepareMinUsages = 2,
            // Generic plans turn the destination list of the canonical query into a filter (see CanonicalQueries).
            Options = "-c plan_cache_mode=force_custom_plan",
            CommandTimeout = 900,
            ApplicationName = "priceingest-bench",
        };
        await using var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);

        var reference = new ReferenceData(settings.Seed);
        var generator = new PriceGenerator(reference, settings.Seed);
        var baseRows = generator.Base(settings.BasePrices);
        var queries = new QuerySets(reference, baseRows, settings.Seed, settings.ColdLifetimes, settings.ColdPortsPerLifetime);

        say.Step($"starting the silo ({SiloProcess.Assembly})");
        step = Elapsed.Now();
        await using var silo = new SiloHost(database.ConnectionString, settings.SiloLogPath);
        await silo.StartAsync(cancellationToken);
        setup["silo start"] = Elapsed.MillisecondsSince(step) / 1000;
        using var client = new RestServiceClient();
        var covering = CanonicalSqlContender.Covering(dataSource);
        var rest = new RestServiceContender(client, silo, reference);
        using var grpc = new GrpcServiceContender(silo, reference);
        IServiceContender[] services = settings.RestOnly ? [rest] : [rest, grpc];
        var statements = new StatementStatistics(dataSource);
        var run = new RunContext
        {
            Settings = settings,
            Say = say,
            RunId = "bench-" + startedAt.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture),
            DataSource = dataSource,
            Reference = reference,
            Generator = generator,
            Queries = queries,
            Silo = silo,
            Client = client,
            Service = rest,
            Services = services,
            Covering = covering,
            TextbookSql = CanonicalSqlContender.Textbook(dataSource),
            AcceptanceSql = CanonicalSqlContender.AcceptanceTestForm(dataSource),
            Book = new AnswerBook(covering),
            Statements = statements,
            PhasesAvailable = await statements.TryEnableAsync(cancellationToken),
        };

        foreach (var service in services)
        {
            service.Connect(silo.Current.Endpoints);
        }

        say.Step($"reference data ({reference.Regions.Count} regions, {reference.Ports.Count} ports) through PUT /regions and /ports");
        await client.PutAsync("regions", CsvBodies.Regions(reference.Regions), cancellationToken);
        await client.PutAsync("ports", CsvBodies.Ports(reference.Ports), cancellationToken);
        await SqlSchema.CreateAsync(dataSource, reference, cancellationToken);

        say.Step($"base: {baseRows.Length:N0} prices as one batch through the service");
        var baseCsv = CsvBodies.Prices(reference, baseRows);
        step = Elapsed.Now();
        await client.PostBatchAsync(run.RunId + "-base", baseCsv, cancellationToken);
        setup["service: base batch"] = Elapsed.MillisecondsSince(step) / 1000;
        setup["service: base btree, after the answer"] = await BackgroundIndexes.WaitAsync(dataSource, cancellationToken) / 1000;
        say.Step("base: the same prices into the plain-SQL tables (loaded, then indexed, then vacuumed)");
        step = Elapsed.Now();
        await SqlSchema.LoadBaseAsync(dataSource, reference, baseRows, cancellationToken);
        setup["plain SQL: base into 4 tables"] = Elapsed.MillisecondsSince(step) / 1000;

        say.Step($"expected answers of {queries.All.Distinct().Count()} queries from {covering.Name}");
        step = Elapsed.Now();
        await run.Book.LearnAsync(queries.All, cancellationToken);
        setup["expected answers"] = Elapsed.MillisecondsSince(step) / 1000;

        var lookups = new LookupPhase(run);
        await lookups.RunAsync(cancellationToken);
        var telemetry = new TelemetryPhase(run);
        await telemetry.LookupsAsync(cancellationToken);
        lookups.Results.AddRange(telemetry.Lookups);

        var ingest = new IngestPhase(run);
        await ingest.RunAsync(cancellationToken);
        await telemetry.IngestAsync(ingest, cancellationToken);
        ingest.Results.AddRange(telemetry.Ingest);
        var (postQueries, servicePrices, textbookPrices) = await PostIngestCheck.RunAsync(run, ingest.Batches, cancellationToken);

        var machine = MachineInfo.Describe(await ScalarAsync(dataSource, "show server_version", cancellationToken), await SettingsAsync(dataSource, cancellationToken), loadAtStart);
        var data = new DataSummary(settings.Seed, reference.Ports.Count, reference.Regions.Count, reference.Roots.Count, baseRows.Length,
            queries.LanesWithPrices, queries.LaneDaysHeld, "2016-01-01..2016-12-31", "2017", PriceGenerator.PricesPerDay, PriceGenerator.Duplicates,
            "generator order (lane by lane, days ascending, lanes in random order)");
        var notes = new List<string>
        {
            "(a) and (b) run from the bench process through Npgsql's binary importer on an open pooled connection, BEGIN to COMMIT; (a) carries the rows as sent (text codes), (a') one int lane id per row as the service stores them.",
            "(c) REST runs from the first byte of POST /batches (CSV from memory) to the answer of GET /rates on one of the batch's lanes with min_commit_seq = the receipt's commit_seq; (c) gRPC likewise with the service's own client (src/Client): UploadBatch client stream of 8,192-item messages built before the clock starts, then GetRates with min_commit_seq.",
            "Plain SQL: the canonical query (recursive CTE for regions, GROUP BY day, generate_series for empty days) over bench.prices with btree (orig_code, dest_code, day) INCLUDE (price), vacuumed, on pooled connections with custom plans; spelled so the btree gets both port lists and the day range (index-only, one descent per lane). The acceptance test's spelling of the same query is timed alongside for reference (same answers, hash join over a sequential scan).",
            "Memory is measured through REST (the transport does not change what the lane caches hold).",
            "The silo runs as shipped (dotnet PriceIngest.Silo.dll --connection-string ... --no-seed, server GC, default options).",
            "Cold: the first touch of every lane after a restart of the silo process (after warming its code on lanes without prices); plain SQL is timed on the same queries with PostgreSQL's buffers warm, as it always runs.",
        };
        if (database.ServerLogPath is { } serverLog && File.Exists(serverLog))
        {
            var copy = Path.Combine(Path.GetDirectoryName(settings.SiloLogPath)!, Path.GetFileNameWithoutExtension(settings.OutputPath) + "-postgres.log");
            File.Copy(serverLog, copy, overwrite: true);
            var slow = SlowPlanDigest.Read(copy);
            notes.Add($"auto_explain logged {slow.SlowStatements} statements over 250 ms (plans in {copy}); {slow.SlowLaneLoads} of them were the silo's lane loads, " +
                $"{slow.SlowLaneLoadsWithSegmentSeqScans} of those planned with sequential scans of segments.");
        }

        if (lookups.ClusterSettling is { } settling)
        {
            notes.Add($"Cluster row: the run's silo (lanes warm), a second silo and a gateway over the same database; the gateway's warm region lookups alternate with the local silo's, REST, once Orleans's rebalancer stopped moving lanes: {settling}.");
        }

        notes.Add($"Telemetry rows: fresh silos over the same database that differ only in telemetry, each its own Orleans cluster (own lanes), started, warmed and fed alike: as shipped, with metrics, dashboard and traces off, and with traces on (spans recorded, no exporter: what they cost to make). Their warm lookups alternate after the cluster row; after the ingest runs, {settings.TelemetryIngestRuns} batches of the largest size alternate between shipped and off (every lane warmed into both first, and one unmeasured batch each).");
        if (!run.PhasesAvailable)
        {
            notes.Add("pg_stat_statements is not loaded in the given database: the database-side phases of the service's ingest are missing.");
        }

        var report = new BenchReport(
            settings.Quick ? "quick" : "full", startedAt, Elapsed.MillisecondsSince(clock) / 1000, machine, data, setup,
            ingest.Results, ingest.RejectProbes, lookups.Results, lookups.ColdBreakdowns, lookups.Memory!,
            new CheckSummary(run.Book.Queries, run.Book.Checked, postQueries, servicePrices, textbookPrices,
                long.Parse(await ScalarAsync(dataSource, "select count(*)::text from pg_inherits where inhparent = 'public.prices'::regclass", cancellationToken), CultureInfo.InvariantCulture),
                run.Book.Truth),
            Targets.Evaluate(ingest.Results, lookups.Results, services, covering.Name), notes);
        return report;
    }

    private static async Task<string> ScalarAsync(NpgsqlDataSource dataSource, string sql, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<IReadOnlyDictionary<string, string>> SettingsAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            select name, current_setting(name) from pg_settings
            where name in ('shared_buffers', 'max_wal_size', 'checkpoint_timeout', 'synchronous_commit', 'fsync', 'full_page_writes',
                           'wal_level', 'wal_compression', 'work_mem', 'max_parallel_workers_per_gather', 'jit')
            order by name
            """);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            settings[reader.GetString(0)] = reader.GetString(1);
        }

        return settings;
    }
}
