using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using PriceIngest.Grains.Storage;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;
using Xunit.Abstractions;

namespace PriceIngest.Integration.Tests.LocalMode;

/// <summary>
/// The real silo executable, started as a developer would: local mode (its own PostgreSQL in a kept
/// data folder, sample data on first start), restart on the same folder, --no-seed, and a
/// connection string (no PostgreSQL of its own). Slow: each test starts one or two processes.
/// In the "postgres" collection for the shared cluster of the connection-string case, and so that
/// these heavy processes never run alongside the other database tests.
/// </summary>
[Collection(ClusterPostgresCollection.Name)]
public sealed partial class LocalModeProcessTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const string RatesQuery = "/rates?date_from=2016-01-01&date_to=2016-01-10&origin=CNSGH&destination=north_europe_main";
    private static readonly TimeSpan FirstStartTimeout = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan RestartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan BannerTimeout = TimeSpan.FromSeconds(15);

    [GeneratedRegex(@"local mode, PostgreSQL on port (\d+), data in (.+)\)\.")]
    private static partial Regex LocalModeBannerLine();

    [Fact]
    public async Task Local_mode_starts_its_own_postgres_seeds_sample_data_and_stops_cleanly_on_sigterm()
    {
        using var folder = new LocalModeFolder();
        var port = SiloProcess.FreeLoopbackPort();

        // First start: initdb, migrate, seed.
        BatchView seeded;
        DatabaseFacts firstFacts;
        string firstRates;
        await using (var silo = SiloProcess.Start(port, folder.Root, folder.Data))
        {
            var ready = await silo.WaitUntilReadyAsync(FirstStartTimeout);
            output.WriteLine($"first start: ready after {ready.TotalSeconds:0.0} s (initdb + migrate + seed)");
            await silo.WaitForOutputAsync("Press Ctrl+C to stop.", BannerTimeout);
            var pgPort = AssertLocalModeBanner(silo, folder.Data);

            seeded = await GetBatchAsync(silo);
            Assert.True(seeded.Status == "committed", $"sample-data is {seeded.Status}\n{silo.OutputTail()}");
            Assert.True(seeded.Items > 100_000, $"sample-data has only {seeded.Items} items");
            Assert.NotNull(seeded.CommitSeq);

            firstRates = await GetRatesAsync(silo);
            AssertTenDaysInOrder(firstRates);

            // The README's currency example converts with these seeded rates.
            Assert.Equal(
                """[{"currency":"CNY","rate":6.4936},{"currency":"EUR","rate":0.920135},{"currency":"GBP","rate":0.678421},{"currency":"JPY","rate":120.21}]""",
                await silo.Http.GetStringAsync(new Uri("/exchange-rates?day=2016-01-01", UriKind.Relative)));
            Assert.Equal(4, JsonDocument.Parse(await silo.Http.GetStringAsync(new Uri("/exchange-rates?day=2016-12-31", UriKind.Relative))).RootElement.GetArrayLength());

            // A second start on the folder in use refuses in one line, and the first keeps working.
            // (Its folder is passed as a plain argument: disposing a SiloProcess stops PostgreSQL
            // servers left on its own data folder, which here is the first silo's.)
            await using (var second = SiloProcess.Start(SiloProcess.FreeLoopbackPort(), folder.Root, null, "--data-dir", folder.Data))
            {
                Assert.Equal(1, await second.WaitForExitAsync(StopTimeout));
                Assert.Contains($"PriceIngest silo did not start: the data folder {folder.Data} is in use by silo process {silo.Pid}", second.Output, StringComparison.Ordinal);
                Assert.DoesNotContain("Unhandled exception", second.Output, StringComparison.Ordinal);
                Assert.DoesNotContain("stopping it", second.Output, StringComparison.Ordinal);
            }

            Assert.Equal(firstRates, await GetRatesAsync(silo));

            firstFacts = await DatabaseFacts.ReadAsync(pgPort, folder.Data);
            Assert.Equal(1L, firstFacts.CommittedBatches);
            Assert.Equal(seeded.CommitSeq, firstFacts.SampleCommitSeq);
            Assert.Equal(seeded.Items, firstFacts.Prices);

            var (exitCode, stopped) = await silo.StopWithSigtermAsync(StopTimeout);
            output.WriteLine($"first start: SIGTERM to exit {stopped.TotalSeconds:0.00} s");
            Assert.True(exitCode == 0, $"exit code {exitCode} after SIGTERM\n{silo.OutputTail()}");
            AssertNoPostgresLeft(folder.Data, silo);
        }

        // Restart on the same folder: no initdb, no re-seed, same data.
        BatchView reloaded;
        await using (var silo = SiloProcess.Start(port, folder.Root, folder.Data))
        {
            var ready = await silo.WaitUntilReadyAsync(RestartTimeout);
            output.WriteLine($"restart: ready after {ready.TotalSeconds:0.0} s");
            await silo.WaitForOutputAsync("Press Ctrl+C to stop.", BannerTimeout);
            var pgPort = AssertLocalModeBanner(silo, folder.Data);
            Assert.DoesNotContain("Initializing a PostgreSQL cluster", silo.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("Seeded sample data", silo.Output, StringComparison.Ordinal);

            reloaded = await GetBatchAsync(silo);
            Assert.Equal(("committed", seeded.Items, seeded.CommitSeq), (reloaded.Status, reloaded.Items, reloaded.CommitSeq));

            var facts = await DatabaseFacts.ReadAsync(pgPort, folder.Data);
            Assert.Equal(firstFacts, facts);

            // After a restart the batch is read back from the database: it must say what was recorded then.
            Assert.Equal(firstFacts.SampleReceivedAt, reloaded.ReceivedAt);
            Assert.Equal(firstFacts.SampleFinishedAt, reloaded.FinishedAt);

            Assert.Equal(firstRates, await GetRatesAsync(silo));

            var (exitCode, stopped) = await silo.StopWithSigtermAsync(StopTimeout);
            output.WriteLine($"restart: SIGTERM to exit {stopped.TotalSeconds:0.00} s");
            Assert.True(exitCode == 0, $"exit code {exitCode} after SIGTERM\n{silo.OutputTail()}");
            AssertNoPostgresLeft(folder.Data, silo);
        }

        // Last, so that everything above is checked first: GET /batches/{id} should describe the same
        // batch the same way whether the silo that ingested it answers or one that read it back.
        Assert.True(
            seeded.ReceivedAt == reloaded.ReceivedAt && seeded.FinishedAt == reloaded.FinishedAt,
            "GET /batches/sample-data changed its timestamps across a restart: " +
            $"received_at {seeded.ReceivedAt:O} -> {reloaded.ReceivedAt:O}, finished_at {seeded.FinishedAt:O} -> {reloaded.FinishedAt:O} " +
            $"(the database recorded received_at {firstFacts.SampleReceivedAt:O}, finished_at {firstFacts.SampleFinishedAt:O}). " +
            "The ingesting silo answers from BatchGrain's cached outcome (app clock), a restarted one from the batches row (database now()).");
    }

    [Fact]
    public async Task Local_mode_restarts_its_postgres_after_a_kill_and_warm_lookups_never_fail()
    {
        using var folder = new LocalModeFolder();
        await using var silo = SiloProcess.Start(SiloProcess.FreeLoopbackPort(), folder.Root, folder.Data, "--no-seed");
        await silo.WaitUntilReadyAsync(FirstStartTimeout);
        await silo.WaitForOutputAsync("Press Ctrl+C to stop.", BannerTimeout);
        var pgPort = AssertLocalModeBanner(silo, folder.Data);
        await TestData.LoadReferenceAsync(silo.Http);
        Assert.Equal(HttpStatusCode.OK, (await silo.Http.PostAsync(new Uri("/batches?id=before", UriKind.Relative), Prices(1))).StatusCode);
        var lane = new Uri("/rates?date_from=2016-01-01&date_to=2016-01-01&origin=CNSGH&destination=NLRTM", UriKind.Relative);
        var warm = await (await silo.Http.GetAsync(lane)).Content.ReadAsStringAsync();
        Assert.Contains("\"average_price\":1", warm, StringComparison.Ordinal);

        var killed = int.Parse(File.ReadLines(Path.Combine(folder.Data, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        System.Diagnostics.Process.GetProcessById(killed).Kill();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // Until it is back (bounded): the warm lookup keeps its answer; readiness (Degraded meanwhile)
        // turns Healthy by itself.
        while (await Readiness.StatusAsync(silo.Http) != "Healthy" || clock.Elapsed < TimeSpan.FromSeconds(2))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"not ready 60 s after the kill\n{silo.OutputTail()}");
            using var lookup = await silo.Http.GetAsync(lane);
            Assert.Equal(warm, await lookup.Content.ReadAsStringAsync());
            await Task.Delay(50);
        }

        output.WriteLine($"ready again {clock.Elapsed.TotalSeconds:0.0} s after kill -9 of the postmaster");
        await silo.WaitForOutputAsync($"Local mode's PostgreSQL is back on 127.0.0.1:{pgPort.ToString(CultureInfo.InvariantCulture)}", BannerTimeout);
        var restarted = int.Parse(File.ReadLines(Path.Combine(folder.Data, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        Assert.NotEqual(killed, restarted);
        using var after = await silo.Http.PostAsync(new Uri("/batches?id=after", UriKind.Relative), Prices(2));
        Assert.True(after.StatusCode == HttpStatusCode.OK, $"{(int)after.StatusCode} {await after.Content.ReadAsStringAsync()}");
        Assert.Equal(2L, (await DatabaseFacts.ReadAsync(pgPort, folder.Data)).CommittedBatches);

        static StringContent Prices(int price) => TestData.Csv($"origin,destination,day,price\nCNSGH,NLRTM,2016-01-01,{price}\nCNSGH,NLRTM,2016-01-01,{price}\nCNSGH,NLRTM,2016-01-01,{price}\n");
    }

    [Fact]
    public async Task No_seed_starts_an_empty_database()
    {
        using var folder = new LocalModeFolder();
        await using var silo = SiloProcess.Start(SiloProcess.FreeLoopbackPort(), folder.Root, folder.Data, "--no-seed");

        var ready = await silo.WaitUntilReadyAsync(FirstStartTimeout);
        output.WriteLine($"--no-seed: ready after {ready.TotalSeconds:0.0} s (initdb + migrate)");
        await silo.WaitForOutputAsync("Press Ctrl+C to stop.", BannerTimeout);
        var pgPort = AssertLocalModeBanner(silo, folder.Data);

        using (var rates = await silo.Http.GetAsync(new Uri(RatesQuery, UriKind.Relative)))
        {
            var body = await rates.Content.ReadAsStringAsync();
            Assert.True(rates.StatusCode == HttpStatusCode.NotFound, $"GET /rates: {(int)rates.StatusCode} {body}");
            Assert.Contains("CNSGH", body, StringComparison.Ordinal);
        }

        using (var batch = await silo.Http.GetAsync(new Uri("/batches/sample-data", UriKind.Relative)))
        {
            Assert.True(batch.StatusCode == HttpStatusCode.NotFound, $"GET /batches/sample-data: {(int)batch.StatusCode} {await batch.Content.ReadAsStringAsync()}");
        }

        var facts = await DatabaseFacts.ReadAsync(pgPort, folder.Data);
        Assert.Equal((0L, 0L, 0L), (facts.Ports, facts.CommittedBatches, facts.Prices));

        var (exitCode, stopped) = await silo.StopWithSigtermAsync(StopTimeout);
        output.WriteLine($"--no-seed: SIGTERM to exit {stopped.TotalSeconds:0.00} s");
        Assert.True(exitCode == 0, $"exit code {exitCode} after SIGTERM\n{silo.OutputTail()}");
        AssertNoPostgresLeft(folder.Data, silo);
    }

    [Fact]
    public async Task With_a_connection_string_it_starts_no_postgres()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        using var folder = new LocalModeFolder();

        // --data-dir is given too: with a connection string it must be ignored (nothing created there).
        await using var silo = SiloProcess.Start(SiloProcess.FreeLoopbackPort(), folder.Root, folder.Data, "--connection-string", connectionString);

        var ready = await silo.WaitUntilReadyAsync(FirstStartTimeout);
        output.WriteLine($"connection string: ready after {ready.TotalSeconds:0.0} s (migrate)");
        await silo.WaitForOutputAsync("Press Ctrl+C to stop.", BannerTimeout);
        Assert.Contains("PriceIngest silo is up (cluster database).", silo.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("PostgreSQL listening", silo.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.Data), $"{folder.Data} was created although a connection string was given\n{silo.OutputTail()}");
        Assert.False(Directory.Exists(Path.Combine(folder.Root, ".data")), "the default data folder was created although a connection string was given");
        Assert.Empty(LocalPostgresProcesses.Find(folder.Root, exceptPid: silo.Pid));

        // A port in use is a one-line error and a non-zero exit, not a crash.
        await using (var busy = SiloProcess.Start(silo.HttpPort, folder.Root, null, "--connection-string", connectionString))
        {
            Assert.Equal(1, await busy.WaitForExitAsync(StopTimeout));
            Assert.Contains("PriceIngest silo did not start:", busy.Output, StringComparison.Ordinal);
            Assert.Contains("address already in use", busy.Output, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Unhandled exception", busy.Output, StringComparison.Ordinal);
        }

        // Migrated that database; no sample data without local mode.
        Assert.Equal(Schema.Migrations.Length, await Sql.ScalarAsync<long>(connectionString, "select count(*) from schema_migrations"));
        Assert.Equal(0L, await Sql.ScalarAsync<long>(connectionString, "select count(*) from ports"));
        using (var batch = await silo.Http.GetAsync(new Uri("/batches/sample-data", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, batch.StatusCode);
        }

        var (exitCode, stopped) = await silo.StopWithSigtermAsync(StopTimeout);
        output.WriteLine($"connection string: SIGTERM to exit {stopped.TotalSeconds:0.00} s");
        Assert.True(exitCode == 0, $"exit code {exitCode} after SIGTERM\n{silo.OutputTail()}");

        // The shared cluster is still there and usable.
        Assert.Equal(1, await Sql.ScalarAsync<int>(connectionString, "select 1"));
    }

    /// <summary>Checks the banner and returns the embedded PostgreSQL port it names.</summary>
    private static int AssertLocalModeBanner(SiloProcess silo, string dataDirectory)
    {
        var text = silo.Output;
        var url = $"http://127.0.0.1:{silo.HttpPort.ToString(CultureInfo.InvariantCulture)}";
        Assert.True(text.Contains("PriceIngest silo is up (local mode", StringComparison.Ordinal), $"no local-mode banner\n{silo.OutputTail()}");
        Assert.True(text.Contains($"REST:   {url}", StringComparison.Ordinal), $"the banner does not give {url}\n{silo.OutputTail()}");
        Assert.True(text.Contains($"curl '{url}{RatesQuery}'", StringComparison.Ordinal), $"the banner does not give the example query\n{silo.OutputTail()}");
        var line = LocalModeBannerLine().Match(text);
        Assert.True(line.Success, $"the banner does not name the PostgreSQL port\n{silo.OutputTail()}");
        Assert.Equal(dataDirectory, line.Groups[2].Value);
        var password = File.ReadAllText(Path.Combine(dataDirectory, "priceingest.pgpass")).Trim().Split(':')[^1];
        Assert.DoesNotContain(password, text, StringComparison.Ordinal);
        return int.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>After the silo exited: no postmaster.pid, and no process runs on or mentions the folder.</summary>
    private static void AssertNoPostgresLeft(string dataDirectory, SiloProcess silo)
    {
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        Assert.True(!File.Exists(pidFile), $"{pidFile} is still there: {(File.Exists(pidFile) ? File.ReadAllText(pidFile) : string.Empty)}\n{silo.OutputTail()}");
        var leftovers = LocalPostgresProcesses.Find(dataDirectory);
        Assert.True(leftovers.Count == 0, $"still running for {dataDirectory}:\n{string.Join('\n', leftovers)}\n{silo.OutputTail()}");
        var serverLog = Path.Combine(dataDirectory, "log", "server.log");
        Assert.True(
            File.ReadLines(serverLog).TakeLast(3).Any(l => l.Contains("database system is shut down", StringComparison.Ordinal)),
            $"the server log does not end with a clean shutdown:\n{string.Join('\n', File.ReadLines(serverLog).TakeLast(10))}");
    }

    private static async Task<BatchView> GetBatchAsync(SiloProcess silo)
    {
        using var response = await silo.Http.GetAsync(new Uri("/batches/sample-data", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /batches/sample-data: {(int)response.StatusCode} {body}\n{silo.OutputTail()}");
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        return new BatchView(
            root.GetProperty("status").GetString()!,
            root.GetProperty("items").GetInt64(),
            root.TryGetProperty("commit_seq", out var seq) ? seq.GetInt64() : null,
            root.GetProperty("received_at").GetDateTimeOffset(),
            root.TryGetProperty("finished_at", out var finished) ? finished.GetDateTimeOffset() : null);
    }

    private static async Task<string> GetRatesAsync(SiloProcess silo)
    {
        using var response = await silo.Http.GetAsync(new Uri(RatesQuery, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {RatesQuery}: {(int)response.StatusCode} {body}\n{silo.OutputTail()}");
        return body;
    }

    private static void AssertTenDaysInOrder(string ratesJson)
    {
        using var json = JsonDocument.Parse(ratesJson);
        var days = json.RootElement.EnumerateArray().Select(e => e.GetProperty("day").GetString() ?? "null").ToList();
        var expected = Enumerable.Range(1, 10).Select(d => new DateOnly(2016, 1, d).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(expected, days);
        Assert.Contains(json.RootElement.EnumerateArray(), e => e.GetProperty("average_price").ValueKind == JsonValueKind.Number);
    }

    private sealed record BatchView(string Status, long Items, long? CommitSeq, DateTimeOffset ReceivedAt, DateTimeOffset? FinishedAt);

    /// <summary>Ground truth read straight from the silo's own PostgreSQL (its password from the data folder's pgpass file).</summary>
    private sealed record DatabaseFacts(
        long Ports, long CommittedBatches, long Prices, long CommitCounter, long? SampleCommitSeq, DateTimeOffset? SampleReceivedAt, DateTimeOffset? SampleFinishedAt)
    {
        public static async Task<DatabaseFacts> ReadAsync(int port, string dataDirectory)
        {
            var connectionString = new NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1",
                Port = port,
                Database = "priceingest",
                Username = "postgres",
                Passfile = Path.Combine(dataDirectory, "priceingest.pgpass"),
                Pooling = false,
                Timeout = 10,
            }.ConnectionString;
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""
                select (select count(*) from ports),
                       (select count(*) from batches where state = 'committed'),
                       (select count(*) from prices),
                       (select seq from commit_counter),
                       b.commit_seq, b.received_at, b.finished_at
                from (select 1) one left join batches b on b.id = 'sample-data'
                """, connection);
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            return new DatabaseFacts(
                reader.GetInt64(0),
                reader.GetInt64(1),
                reader.GetInt64(2),
                reader.GetInt64(3),
                reader.IsDBNull(4) ? null : reader.GetInt64(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6));
        }
    }

    /// <summary>
    /// A fresh folder under the temp directory: the silo's working directory, with the data folder
    /// inside. Deleted at the end unless a process still runs in it (deleting a live cluster's folder
    /// would let that server write into whatever is created there next).
    /// </summary>
    private sealed class LocalModeFolder : IDisposable
    {
        public LocalModeFolder()
        {
            Root = Path.Combine(Path.GetTempPath(), "priceingest-localmode-" + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture));
            Directory.CreateDirectory(Root);
            Data = Path.Combine(Root, "data");
        }

        public string Root { get; }

        public string Data { get; }

        public void Dispose()
        {
            if (LocalPostgresProcesses.Find(Root).Count == 0 && Directory.Exists(Root))
            {
                Directory.Delete(Root, recursive: true);
            }
        }
    }
}
