using System.Text.Json;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Cli;

/// <summary>The priceingest program against a real silo (gRPC port) and PostgreSQL.</summary>
[Collection("postgres")]
public sealed class CliEndToEndTests(PostgresFixture postgres) : IAsyncLifetime
{
    private SiloInstance _silo = null!;
    private readonly List<string> _files = [];

    public async Task InitializeAsync()
    {
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync());
        await TestData.LoadReferenceAsync(_silo.Http);
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        foreach (var file in _files)
        {
            System.IO.File.Delete(file);
        }
    }

    [Fact]
    public async Task Upload_a_csv_file_then_rates_and_batch_show_it()
    {
        var path = File("prices.csv", """
            origin,destination,day,price
            CNSGH,NLRTM,2016-01-01,1000
            CNSGH,DEHAM,2016-01-01,1100
            CNNBO,NLRTM,2016-01-01,1201
            CNSGH,NLRTM,2016-01-02,900
            """);

        var upload = await Cli("upload", path, "--batch-id", "cli-e2e-1", "--json");
        Assert.True(upload.ExitCode == 0, upload.ToString());
        using var receipt = JsonDocument.Parse(upload.Stdout);
        Assert.Equal("committed", receipt.RootElement.GetProperty("status").GetString());
        Assert.Equal(4, receipt.RootElement.GetProperty("items").GetInt64());
        var commitSeq = receipt.RootElement.GetProperty("commit_seq").GetInt64();
        Assert.Equal(4, await Sql.PriceCountAsync(_silo.ConnectionString));

        var rates = await Cli("rates", "--origin", "asia", "--destination", "north_europe", "--from", "2016-01-01", "--to", "2016-01-03",
            "--min-commit-seq", commitSeq.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");
        Assert.True(rates.ExitCode == 0, rates.ToString());
        using var days = JsonDocument.Parse(rates.Stdout);
        var list = days.RootElement.EnumerateArray().ToArray();
        Assert.Equal(["2016-01-01", "2016-01-02", "2016-01-03"], list.Select(d => d.GetProperty("day").GetString()));
        Assert.Equal(1100, list[0].GetProperty("average_price").GetInt64()); // (1000 + 1100 + 1201) / 3 = 1100.33
        Assert.Equal(3, list[0].GetProperty("count").GetInt32());
        Assert.Equal(JsonValueKind.Null, list[1].GetProperty("average_price").ValueKind);
        Assert.Equal(1, list[1].GetProperty("count").GetInt32());

        var table = await Cli("rates", "--origin", "CNSGH", "--destination", "north_europe", "--from", "2016-01-01", "--to", "2016-01-01", "--min-count", "1");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("1,050", table.Stdout, StringComparison.Ordinal);

        var batch = await Cli("batch", "cli-e2e-1");
        Assert.True(batch.ExitCode == 0, batch.ToString());
        Assert.Contains("committed", batch.Stdout, StringComparison.Ordinal);
        Assert.Contains(commitSeq.ToString(System.Globalization.CultureInfo.InvariantCulture), batch.Stdout, StringComparison.Ordinal);

        // The same id again: the first receipt, nothing written twice.
        var again = await Cli("upload", path, "--batch-id", "cli-e2e-1", "--json");
        Assert.True(again.ExitCode == 0, again.ToString());
        using var second = JsonDocument.Parse(again.Stdout);
        Assert.Equal(commitSeq, second.RootElement.GetProperty("commit_seq").GetInt64());
        Assert.Equal(4, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    [Fact]
    public async Task Csv_and_ndjson_files_in_other_currencies_are_converted_and_the_receipt_counts_them()
    {
        (await _silo.Http.PutAsync("/exchange-rates", TestData.Csv("day,currency,rate\n2016-01-01,EUR,0.8\n2016-01-01,GBP,0.5\n"))).EnsureSuccessStatusCode();
        var csv = File("eur.csv", """
            currency,origin,destination,day,price
            EUR,CNSGH,NLRTM,2016-01-01,100
            ,CNSGH,NLRTM,2016-01-01,7
            EUR,CNSGH,NLRTM,2016-01-01,10
            """);
        var ndjson = File("gbp.ndjson", """
            {"origin":"CNSGH","destination":"DEHAM","day":"2016-01-01","price":21,"currency":"GBP"}
            """);

        var json = await Cli("upload", csv, "--batch-id", "cli-eur", "--json");
        var table = await Cli("upload", ndjson, "--batch-id", "cli-gbp");

        Assert.True(json.ExitCode == 0, json.ToString());
        using var receipt = JsonDocument.Parse(json.Stdout);
        Assert.Equal([("EUR", 2L)], receipt.RootElement.GetProperty("converted").EnumerateObject().Select(p => (p.Name, p.Value.GetInt64())));
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("1 GBP", table.Stdout, StringComparison.Ordinal);
        // 100 / 0.8 = 125, 10 / 0.8 = 12.5 -> 13, 21 / 0.5 = 42; USD as sent.
        Assert.Equal("7,13,42,125", await Sql.ScalarAsync<string>(_silo.ConnectionString, "select string_agg(price::text, ',' order by price) from prices"));
    }

    [Fact]
    public async Task A_bad_file_exits_3_with_the_error_table_and_writes_nothing()
    {
        var path = File("bad.csv", """
            origin,destination,day,price
            CNSGH,NLRTM,2016-01-01,1234
            XXXXX,NLRTM,2016-02-30,-5
            """);

        var upload = await Cli("upload", path, "--batch-id", "cli-e2e-bad");

        Assert.True(upload.ExitCode == 3, upload.ToString());
        foreach (var expected in new[] { "rejected", "index", "field", "value", "reason", "XXXXX", "2016-02-30", "-5", "unknown port code 'XXXXX'", "1 invalid item(s) of 2" })
        {
            Assert.Contains(expected, upload.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("batch cli-e2e-bad rejected", upload.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, await Sql.PriceCountAsync(_silo.ConnectionString));

        var batch = await Cli("batch", "cli-e2e-bad", "--json");
        Assert.True(batch.ExitCode == 0, batch.ToString());
        Assert.Contains("\"status\": \"rejected\"", batch.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ndjson_from_stdin_commits()
    {
        var upload = await CliProcess.RunAsync(
            "{\"origin\":\"CNSGH\",\"destination\":\"NLRTM\",\"day\":\"2016-03-01\",\"price\":1500}\n{\"origin\":\"CNSGH\",\"destination\":\"NLRTM\",\"day\":\"2016-03-02\",\"price\":1600}\n",
            "upload", "-", "--format", "ndjson", "--batch-id", "cli-e2e-stdin", "--server", _silo.GrpcAddress.ToString());

        Assert.True(upload.ExitCode == 0, upload.ToString());
        Assert.Contains("committed", upload.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    [Fact]
    public async Task Unknown_places_and_unknown_batches_exit_3()
    {
        var rates = await Cli("rates", "--origin", "nowhere", "--destination", "NLRTM", "--from", "2016-01-01", "--to", "2016-01-02");
        var batch = await Cli("batch", "never-sent");

        Assert.True(rates.ExitCode == 3, rates.ToString());
        Assert.Contains("NOT_FOUND", rates.Stderr, StringComparison.Ordinal);
        Assert.True(batch.ExitCode == 3, batch.ToString());
        Assert.Contains("NOT_FOUND", batch.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stopped_silo_exits_4()
    {
        var address = _silo.GrpcAddress.ToString();
        await _silo.DisposeAsync();
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync());

        var run = await CliProcess.RunAsync(null, "batch", "any", "--server", address, "--attempts", "2");

        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Contains("unavailable after 2 attempts", run.Stderr, StringComparison.Ordinal);
    }

    private Task<CliProcess.Result> Cli(params string[] args) =>
        CliProcess.RunAsync(null, [.. args, "--server", _silo.GrpcAddress.ToString()]);

    private string File(string name, string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"priceingest-cli-e2e-{Guid.NewGuid():N}-{name}");
        System.IO.File.WriteAllText(path, content + "\n");
        _files.Add(path);
        return path;
    }
}
