using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Acceptance;

/// <summary>
/// The original assignment on its real data: reference data through PUT, all 53,056 prices as ONE
/// batch, then answers checked against the published example and against the canonical SQL query
/// run by psql on the same dump loaded into its own database.
/// </summary>
[Collection("postgres")]
public sealed class RealDataAcceptanceTests(PostgresFixture postgres)
{
    // The canonical answer: recursive region expansion, all prices of all lanes per day, round(avg).
    private const string CanonicalQuery = """
        with recursive
            o_regions(slug) as (select slug from regions where slug = $1
                                union select r.slug from regions r join o_regions t on r.parent_slug = t.slug),
            d_regions(slug) as (select slug from regions where slug = $2
                                union select r.slug from regions r join d_regions t on r.parent_slug = t.slug),
            o(code) as (select code from ports where code = $1 or parent_slug in (select slug from o_regions)),
            d(code) as (select code from ports where code = $2 or parent_slug in (select slug from d_regions))
        select g.day::date, case when count(p.price) >= 3 then round(avg(p.price))::bigint end, count(p.price)
        from generate_series($3::date, $4::date, interval '1 day') as g(day)
        left join prices p on p.day = g.day::date and p.orig_code in (select code from o) and p.dest_code in (select code from d)
        group by g.day order by g.day
        """;

    [RatesDumpFact]
    public async Task Real_data_uploaded_as_one_batch_answers_like_the_assignment_and_the_canonical_sql()
    {
        var path = RatesDump.Locate()!;
        var dump = RatesDump.Load(path);
        Assert.Equal(53_056, dump.Prices.Count);

        await using var silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync());
        var http = silo.Http;
        (await http.PutAsync("/regions", TestData.Csv(Csv("slug,name,parent", dump.Regions.Select(r => new[] { r.Slug, r.Name, r.Parent ?? "" }))))).EnsureSuccessStatusCode();
        (await http.PutAsync("/ports", TestData.Csv(Csv("code,name,region", dump.Ports.Select(p => new[] { p.Code, p.Name, p.Region }))))).EnsureSuccessStatusCode();
        var prices = Csv("origin,destination,day,price", dump.Prices.Select(p => new[]
        {
            p.Origin, p.Destination, p.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), p.Price.ToString(CultureInfo.InvariantCulture),
        }));

        var upload = await http.PostAsync("/batches?id=ratestask", TestData.Csv(prices));

        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        Assert.Equal(53_056, (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").GetInt64());
        Assert.Equal(53_056, await Sql.PriceCountAsync(silo.ConnectionString));

        // The published example.
        var example = await RatesAsync(http, "CNSGH", "north_europe_main", "2016-01-01", "2016-01-10");
        Assert.Equal([1112, 1112, null, null, 1142, 1142, 1137, 1124, 1124, 1124], example.Select(d => d.Average).ToArray());

        // Independent ground truth: the dump itself, loaded by psql, queried with plain SQL.
        var truth = await LoadWithPsqlAsync(path);
        (string Origin, string Destination, string From, string To)[] cases =
        [
            ("CNSGH", "north_europe_main", "2016-01-01", "2016-01-10"),
            ("CNSGH", "GBFXT", "2016-01-01", "2016-01-31"),
            ("china_main", "northern_europe", "2016-01-01", "2016-01-31"),
            ("northern_europe", "china_main", "2016-01-01", "2016-01-31"),
            ("china_east_main", "scandinavia", "2015-12-25", "2016-02-05"),
            ("CNSHK", "baltic", "2016-01-01", "2016-01-31"),
            ("uk_main", "CNYTN", "2016-01-10", "2016-01-20"),
            ("china_south_main", "uk_sub", "2016-01-01", "2016-01-31"),
            ("north_europe_main", "north_europe_main", "2016-01-01", "2016-01-31"),
        ];
        var compared = 0;
        foreach (var (origin, destination, from, to) in cases)
        {
            var expected = await CanonicalAsync(truth, origin, destination, from, to);
            var actual = await RatesAsync(http, origin, destination, from, to);
            Assert.True(expected.SequenceEqual(actual), $"{origin} -> {destination} {from}..{to}:\n expected {Show(expected)}\n actual   {Show(actual)}");
            compared += expected.Count(d => d.Average is not null);
        }

        Assert.True(compared > 100, $"only {compared} non-null days compared; the cases do not exercise the data");
    }

    private static async Task<List<(string Day, long? Average, int Count)>> RatesAsync(HttpClient http, string origin, string destination, string from, string to)
    {
        var days = await http.GetFromJsonAsync<JsonElement>($"/rates?date_from={from}&date_to={to}&origin={origin}&destination={destination}&include_count=true");
        return [.. days.EnumerateArray().Select(d => (
            d.GetProperty("day").GetString()!,
            d.GetProperty("average_price").ValueKind == JsonValueKind.Null ? (long?)null : d.GetProperty("average_price").GetInt64(),
            d.GetProperty("count").GetInt32()))];
    }

    private static async Task<List<(string Day, long? Average, int Count)>> CanonicalAsync(string connectionString, string origin, string destination, string from, string to)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(CanonicalQuery, connection);
        command.Parameters.Add(new() { Value = origin });
        command.Parameters.Add(new() { Value = destination });
        command.Parameters.Add(new() { Value = DateOnly.Parse(from, CultureInfo.InvariantCulture) });
        command.Parameters.Add(new() { Value = DateOnly.Parse(to, CultureInfo.InvariantCulture) });
        var rows = new List<(string, long?, int)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetFieldValue<DateOnly>(0).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                reader.IsDBNull(1) ? null : reader.GetInt64(1), (int)reader.GetInt64(2)));
        }

        return rows;
    }

    private async Task<string> LoadWithPsqlAsync(string dumpPath)
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo("psql")
        {
            ArgumentList = { "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", builder.Host!, "-p", builder.Port.ToString(CultureInfo.InvariantCulture),
                "-U", builder.Username!, "-d", builder.Database!, "-f", dumpPath },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["PGPASSFILE"] = builder.Passfile },
        };
        using var psql = Process.Start(start)!;
        var output = psql.StandardOutput.ReadToEndAsync();
        var errors = psql.StandardError.ReadToEndAsync();
        await psql.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(psql.ExitCode == 0, $"psql failed: {await errors}{await output}");
        Assert.Equal(53_056, await Sql.PriceCountAsync(connectionString));
        return connectionString;
    }

    private static string Csv(string header, IEnumerable<string[]> rows)
    {
        var text = new StringBuilder(header).Append('\n');
        foreach (var row in rows)
        {
            text.AppendJoin(',', row.Select(f => f.Contains(',', StringComparison.Ordinal) || f.Contains('"', StringComparison.Ordinal)
                ? "\"" + f.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
                : f)).Append('\n');
        }

        return text.ToString();
    }

    private static string Show(IEnumerable<(string Day, long? Average, int Count)> days) =>
        string.Join(" ", days.Select(d => $"{d.Day[5..]}={d.Average?.ToString(CultureInfo.InvariantCulture) ?? "null"}/{d.Count}"));
}
