using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Storage;

/// <summary>All or nothing under failure: a killed database connection or a vanished client writes nothing.</summary>
[Collection("postgres")]
public sealed class AtomicityTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const int Rows = 300_000;
    private SiloInstance _silo = null!;

    public async Task InitializeAsync()
    {
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync());
        await TestData.LoadReferenceAsync(_silo.Http);
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Theory]
    [InlineData("copy")]
    [InlineData("with attached as (select attach_price_segment")]
    public async Task Connection_killed_mid_commit_leaves_nothing_and_the_same_id_then_commits_once(string phase)
    {
        var body = BigCsv();
        using var killer = new CancellationTokenSource();
        var kill = KillWhenRunningAsync(phase, killer.Token);

        var response = await _silo.Http.PostAsync("/batches?id=killed", new StringContent(body, Encoding.UTF8, "text/csv"));
        await killer.CancelAsync();
        Assert.True(await kill, $"the commit finished before a backend in phase '{phase}' could be terminated");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(0, await Sql.PriceCountAsync(_silo.ConnectionString));
        Assert.Equal(0, await Sql.ScalarAsync<long>(_silo.ConnectionString, "select count(*) from pg_class where relname like 'prices_s%' and relkind = 'r'"));
        Assert.Equal("aborted", (await _silo.Http.GetFromJsonAsync<JsonElement>("/batches/killed")).GetProperty("status").GetString());

        var retry = await _silo.Http.PostAsync("/batches?id=killed", new StringContent(body, Encoding.UTF8, "text/csv"));
        var again = await _silo.Http.PostAsync("/batches?id=killed", new StringContent(body, Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(Rows, await Sql.PriceCountAsync(_silo.ConnectionString));
        Assert.Equal(1, await Sql.ScalarAsync<long>(_silo.ConnectionString, "select count(*) from batches where state = 'committed'"));
    }

    [Fact]
    public async Task Abort_recorded_after_a_commit_that_went_through_keeps_the_batch_committed_and_its_retry_gets_the_receipt()
    {
        var first = await _silo.Http.PostAsync("/batches?id=ambiguous", TestData.PricesCsv([("CNSGH", "NLRTM", "2016-01-01", 5)]));
        var receipt = await first.Content.ReadFromJsonAsync<JsonElement>();

        // What the grain records when COMMIT's connection dies (a failover) but the commit reached
        // the database: it cannot tell, so it records an abort on a fresh connection.
        await using (var connection = new NpgsqlConnection(_silo.ConnectionString))
        {
            await connection.OpenAsync();
            await PriceIngest.Grains.Storage.BatchStore.MarkFinishedAsync(connection,
                new("ambiguous", PriceIngest.Grains.Batches.BatchState.Aborted, 1, null, 0, [], "the commit failed", null, DateTimeOffset.UtcNow), CancellationToken.None);
        }

        var status = await _silo.Http.GetFromJsonAsync<JsonElement>("/batches/ambiguous");
        Assert.Equal("committed", status.GetProperty("status").GetString());
        var retry = await (await _silo.Http.PostAsync("/batches?id=ambiguous", TestData.PricesCsv([("CNSGH", "NLRTM", "2016-01-01", 5)]))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("committed", retry.GetProperty("status").GetString());
        Assert.Equal(receipt.GetProperty("commit_seq").GetInt64(), retry.GetProperty("commit_seq").GetInt64());
        Assert.Equal(1, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    [Fact]
    public async Task Client_that_disconnects_mid_upload_leaves_nothing_and_frees_the_id()
    {
        var slow = new SlowCsvContent(rows: 100, pauseAfter: 50);
        using var cancel = new CancellationTokenSource();
        var upload = _silo.Http.PostAsync("/batches?id=gone", slow, cancel.Token);
        await slow.Paused.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("receiving", await WaitForStatusAsync("gone", "receiving"));

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => upload);

        Assert.Equal("aborted", await WaitForStatusAsync("gone", "aborted"));
        Assert.Equal(0, await Sql.PriceCountAsync(_silo.ConnectionString));
        var retry = await _silo.Http.PostAsync("/batches?id=gone", TestData.PricesCsv([("CNSGH", "NLRTM", "2016-01-01", 5)]));
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(1, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    private async Task<string?> WaitForStatusAsync(string id, string wanted)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        string? status = null;
        while (DateTime.UtcNow < deadline && status != wanted)
        {
            var response = await _silo.Http.GetAsync($"/batches/{id}");
            status = response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString() : null;
            await Task.Delay(20);
        }

        return status;
    }

    private static string BigCsv()
    {
        var ports = new[] { "NLRTM", "DEHAM", "ESBCN", "CNSGH", "CNNBO" };
        var body = new StringBuilder("origin,destination,day,price\n", Rows * 30);
        var random = new Random(7);
        for (var i = 0; i < Rows; i++)
        {
            var origin = random.Next(ports.Length);
            var destination = (origin + 1 + random.Next(ports.Length - 1)) % ports.Length;
            body.Append(ports[origin]).Append(',').Append(ports[destination]).Append(",2016-")
                .Append((random.Next(12) + 1).ToString("00", System.Globalization.CultureInfo.InvariantCulture)).Append("-15,")
                .Append(random.Next(1, 5000)).Append('\n');
        }

        return body.ToString();
    }

    /// <summary>Terminates the silo's backend as soon as it runs a statement starting with <paramref name="phase"/>.</summary>
    private async Task<bool> KillWhenRunningAsync(string phase, CancellationToken stop)
    {
        await using var connection = new NpgsqlConnection(_silo.ConnectionString);
        await connection.OpenAsync(CancellationToken.None);
        while (!stop.IsCancellationRequested)
        {
            await using var command = new NpgsqlCommand("""
                select pg_terminate_backend(pid) from pg_stat_activity
                where datname = current_database() and pid <> pg_backend_pid() and state = 'active' and query ilike $1 || '%'
                """, connection);
            command.Parameters.Add(new() { Value = phase });
            if (await command.ExecuteScalarAsync(CancellationToken.None) is true)
            {
                return true;
            }

            await Task.Delay(1, CancellationToken.None);
        }

        return false;
    }
}
