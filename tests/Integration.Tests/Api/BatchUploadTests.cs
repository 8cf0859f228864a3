using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Api;

[Collection("postgres")]
public sealed class BatchUploadTests(PostgresFixture postgres) : IAsyncLifetime
{
    private SiloInstance _silo = null!;

    private HttpClient Http => _silo.Http;

    public async Task InitializeAsync()
    {
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync(), "--Ingest:MaxBatchItems=1000", "--Ingest:MaxReportedErrors=5");
        await TestData.LoadReferenceAsync(Http);
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task Csv_batch_is_committed_with_a_receipt_and_its_prices_are_stored()
    {
        var response = await Http.PostAsync("/batches?id=csv-1", TestData.PricesCsv([
            ("CNSGH", "NLRTM", "2016-01-01", 100), ("CNSGH", "NLRTM", "2016-01-01", 100), ("CNSGH", "DEHAM", "2016-01-02", 250)]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var receipt = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("csv-1", receipt.GetProperty("id").GetString());
        Assert.Equal("committed", receipt.GetProperty("status").GetString());
        Assert.Equal(3, receipt.GetProperty("items").GetInt64());
        Assert.True(receipt.GetProperty("commit_seq").GetInt64() > 0);
        Assert.Equal(3, await Sql.PriceCountAsync(_silo.ConnectionString));
        Assert.Equal(450, await Sql.ScalarAsync<long>(_silo.ConnectionString, "select sum(price) from prices"));
    }

    [Fact]
    public async Task Ndjson_batch_is_committed()
    {
        var response = await Http.PostAsync("/batches?id=nd-1", TestData.Ndjson("""
            {"origin":"CNSGH","destination":"NLRTM","day":"2016-01-01","price":100}

            {"origin":"CNNBO","destination":"DEHAM","day":"2016-01-03","price":300,"currency":"USD"}
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").GetInt64());
        Assert.Equal(2, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    [Fact]
    public async Task Batch_with_invalid_items_is_rejected_with_each_reason_and_nothing_is_written()
    {
        var response = await Http.PostAsync("/batches?id=bad-1", TestData.Csv("""
            origin,destination,day,price
            CNSGH,NLRTM,2016-01-01,100
            XXXXX,NLRTM,2016-01-01,100
            CNSGH,CNSGH,2016-01-01,100
            CNSGH,NLRTM,2016-02-30,100
            CNSGH,NLRTM,1999-12-31,100
            CNSGH,NLRTM,2016-01-01,0
            CNSGH,NLRTM,2016-01-01,12.5
            CNSGH,NLRTM,2016-01-01
            """));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var rejection = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("rejected", rejection.GetProperty("status").GetString());
        Assert.Equal(8, rejection.GetProperty("items").GetInt64());
        Assert.Equal(7, rejection.GetProperty("invalid_items").GetInt64());
        var errors = rejection.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(5, errors.Count); // capped by Ingest:MaxReportedErrors
        Assert.Equal((1, "origin", "XXXXX"), (errors[0].GetProperty("index").GetInt64(), errors[0].GetProperty("field").GetString(), errors[0].GetProperty("value").GetString()));
        Assert.Contains("unknown port", errors[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal((2, "destination"), (errors[1].GetProperty("index").GetInt64(), errors[1].GetProperty("field").GetString()));
        Assert.Equal((3, "day", "2016-02-30"), (errors[2].GetProperty("index").GetInt64(), errors[2].GetProperty("field").GetString(), errors[2].GetProperty("value").GetString()));
        Assert.Equal((4, "day"), (errors[3].GetProperty("index").GetInt64(), errors[3].GetProperty("field").GetString()));
        Assert.Equal((5, "price"), (errors[4].GetProperty("index").GetInt64(), errors[4].GetProperty("field").GetString()));
        Assert.Equal(0, await Sql.PriceCountAsync(_silo.ConnectionString));

        var status = await Http.GetFromJsonAsync<JsonElement>("/batches/bad-1");
        Assert.Equal("rejected", status.GetProperty("status").GetString());
        Assert.Equal(7, status.GetProperty("invalid_items").GetInt64());
    }

    [Fact]
    public async Task Malformed_ndjson_lines_are_item_errors_naming_the_line()
    {
        var response = await Http.PostAsync("/batches?id=bad-nd", TestData.Ndjson("""
            {"origin":"CNSGH","destination":"NLRTM","day":"2016-01-01","price":100}
            {"origin":"CNSGH","destination":"NLRTM","day":"2016-01-01","price":"100"}
            not json
            {"origin":"CNSGH","day":"2016-01-01","price":100}
            """));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("index").GetInt64(), e.GetProperty("field").GetString())).ToList();
        Assert.Equal([(1, "price"), (2, "item"), (3, "destination")], errors);
        Assert.Equal(0, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    [Fact]
    public async Task Resending_a_committed_batch_id_returns_the_first_receipt_and_writes_nothing()
    {
        var first = await (await Http.PostAsync("/batches?id=again", TestData.PricesCsv([("CNSGH", "NLRTM", "2016-01-01", 100)])))
            .Content.ReadFromJsonAsync<JsonElement>();
        var second = await Http.PostAsync("/batches?id=again", TestData.PricesCsv([("CNSGH", "NLRTM", "2016-01-01", 999), ("CNSGH", "NLRTM", "2016-01-02", 999)]));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var receipt = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(first.GetProperty("commit_seq").GetInt64(), receipt.GetProperty("commit_seq").GetInt64());
        Assert.Equal(1, receipt.GetProperty("items").GetInt64());
        Assert.Equal(1, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    [Fact]
    public async Task Rejected_batch_id_can_be_sent_again_and_commits()
    {
        Assert.Equal(HttpStatusCode.UnprocessableEntity,
            (await Http.PostAsync("/batches?id=fixme", TestData.PricesCsv([("CNSGH", "XXXXX", "2016-01-01", 100)]))).StatusCode);

        var retry = await Http.PostAsync("/batches?id=fixme", TestData.PricesCsv([("CNSGH", "NLRTM", "2016-01-01", 100)]));

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("committed", (await Http.GetFromJsonAsync<JsonElement>("/batches/fixme")).GetProperty("status").GetString());
        Assert.Equal(1, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    [Fact]
    public async Task Second_upload_of_an_id_in_progress_is_refused_with_409_and_the_first_still_commits()
    {
        var slow = new SlowCsvContent(rows: 50, pauseAfter: 10);
        var first = Http.PostAsync("/batches?id=busy", slow);
        await slow.Paused.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await WaitForStateAsync("busy", "receiving");

        using var other = new HttpClient { BaseAddress = Http.BaseAddress }; // another connection
        var second = await other.PostAsync("/batches?id=busy", TestData.PricesCsv([("CNSGH", "NLRTM", "2016-01-01", 1)]));
        slow.Resume.SetResult();

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);
        Assert.Equal(50, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    [Fact]
    public async Task Batch_over_the_item_limit_is_refused_with_413_and_nothing_is_written()
    {
        var rows = Enumerable.Range(0, 1001).Select(i => ("CNSGH", "NLRTM", "2016-01-01", (long)i + 1));

        var response = await Http.PostAsync("/batches?id=huge", TestData.PricesCsv(rows));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    [Theory]
    [InlineData("text/plain", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("text/csv", HttpStatusCode.BadRequest)]
    public async Task Body_that_is_not_a_price_list_is_refused(string contentType, HttpStatusCode expected)
    {
        var content = new StringContent("hello,world\n1,2\n", System.Text.Encoding.UTF8, contentType);

        var response = await Http.PostAsync("/batches?id=junk", content);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    [Fact]
    public async Task Empty_batch_is_rejected()
    {
        var response = await Http.PostAsync("/batches?id=empty", TestData.Csv("origin,destination,day,price\n"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("empty", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_batch_id_is_404_and_an_invalid_id_is_400()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/batches/never-sent")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostAsync("/batches?id=has%20space", TestData.PricesCsv([]))).StatusCode);
    }

    [Theory]
    [InlineData("/batches?id=")]
    [InlineData("/batches?id=a&id=b")]
    [InlineData("/prices?id=")]
    public async Task Empty_or_repeated_batch_id_is_400_and_writes_nothing(string path)
    {
        var body = path.StartsWith("/prices", StringComparison.Ordinal)
            ? JsonContent.Create(new { date_from = "2016-01-01", date_to = "2016-01-02", origin_code = "CNSGH", destination_code = "NLRTM", price = 5 })
            : (HttpContent)TestData.PricesCsv([("CNSGH", "NLRTM", "2016-01-01", 100)]);

        var response = await Http.PostAsync(path, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"parameter\":\"id\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    [Fact]
    public async Task Single_price_upload_stores_one_price_per_day_of_the_range()
    {
        var response = await Http.PostAsJsonAsync("/prices", new
        {
            date_from = "2016-01-01", date_to = "2016-01-05", origin_code = "CNSGH", destination_code = "NLRTM", price = 500,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(5, await Sql.PriceCountAsync(_silo.ConnectionString));
        var bad = await Http.PostAsJsonAsync("/prices", new { date_from = "2016-01-01", date_to = "2016-01-05", origin_code = "CNSGH", price = 500 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("destination_code", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Single_price_upload_with_a_bad_id_or_an_overlong_range_is_400_and_writes_nothing()
    {
        var badId = await Http.PostAsJsonAsync("/prices?id=no%20spaces", new
        {
            date_from = "2016-01-01", date_to = "2016-01-02", origin_code = "CNSGH", destination_code = "NLRTM", price = 5,
        });
        var tooLong = await Http.PostAsJsonAsync("/prices", new
        {
            date_from = "0001-01-01", date_to = "9999-12-31", origin_code = "CNSGH", destination_code = "NLRTM", price = 5,
        });

        Assert.Equal(HttpStatusCode.BadRequest, badId.StatusCode);
        Assert.Contains("\"parameter\":\"id\"", await badId.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("\"parameter\":\"date_to\"", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    [Fact]
    public async Task Control_characters_and_broken_unicode_are_item_errors_shown_printable_not_server_errors()
    {
        var response = await Http.PostAsync("/batches?id=weird", TestData.Ndjson(
            "{\"origin\":\"CN\\u0000SG\",\"destination\":\"NLRTM\",\"day\":\"2016-01-01\",\"price\":1}\n" +
            "{\"origin\":\"\\ud800\",\"destination\":\"NLRTM\",\"day\":\"2016-01-01\",\"price\":1}\n"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var rejection = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, rejection.GetProperty("invalid_items").GetInt64());
        Assert.Equal("CN\uFFFDSG", rejection.GetProperty("errors")[0].GetProperty("value").GetString());
        Assert.Equal("rejected", (await Http.GetFromJsonAsync<JsonElement>("/batches/weird")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Csv_with_the_price_columns_after_the_sixteenth_is_read()
    {
        var filler = string.Join(',', Enumerable.Range(0, 20).Select(i => $"x{i}"));
        var values = string.Join(',', Enumerable.Range(0, 20).Select(_ => "-"));
        var response = await Http.PostAsync("/batches?id=wide", TestData.Csv(
            $"{filler},origin,destination,day,price\n{values},CNSGH,NLRTM,2016-01-01,7\n"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(7, await Sql.ScalarAsync<long>(_silo.ConnectionString, "select sum(price) from prices"));
    }

    [Fact]
    public async Task A_quoted_comma_stays_in_its_field_so_the_item_is_rejected_not_read_as_another_port()
    {
        var response = await Http.PostAsync("/batches?id=quoted", TestData.Csv(
            "origin,destination,day,price\r\n\"CN,SGH\",NLRTM,2016-01-01,5\r\nCNSGH,NL\"RTM,2016-01-01,5\r\n\"CNSGH\",\"NLRTM\",\"2016-01-01\",\"5\"\r\n"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(2, errors.GetArrayLength());
        Assert.Equal((0, "origin", "CN,SGH"), (errors[0].GetProperty("index").GetInt64(), errors[0].GetProperty("field").GetString(), errors[0].GetProperty("value").GetString()));
        Assert.Equal((1, "item"), (errors[1].GetProperty("index").GetInt64(), errors[1].GetProperty("field").GetString()));
        Assert.Contains("quote inside an unquoted field", errors[1].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    [Fact]
    public async Task An_ndjson_field_given_twice_is_an_item_error_and_neither_value_is_taken()
    {
        var response = await Http.PostAsync("/batches?id=twice", TestData.Ndjson(
            "{\"origin\":\"CNSGH\",\"destination\":\"NLRTM\",\"day\":\"2016-01-01\",\"price\":5}\n" +
            "{\"origin\":\"CNSGH\",\"destination\":\"NLRTM\",\"day\":\"2016-01-01\",\"price\":5,\"price\":9000}\n"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = Assert.Single((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray());
        Assert.Equal((1, "price", "9000", "price appears twice in the object"),
            (error.GetProperty("index").GetInt64(), error.GetProperty("field").GetString(), error.GetProperty("value").GetString(), error.GetProperty("reason").GetString()));
        Assert.Equal(0, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    [Theory]
    [InlineData("text/csv", "origin,destination,day,price\nCNSGH,NLRTM,2016-01-01,5\n")]
    [InlineData("application/x-ndjson", "{\"origin\":\"CNSGH\",\"destination\":\"NLRTM\",\"day\":\"2016-01-01\",\"price\":5}\n")]
    public async Task A_body_starting_with_a_byte_order_mark_is_read(string contentType, string body)
    {
        var content = new ByteArrayContent([0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes(body)]);
        content.Headers.ContentType = new(contentType);

        var response = await Http.PostAsync("/batches?id=bom", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(5, await Sql.ScalarAsync<long>(_silo.ConnectionString, "select sum(price) from prices"));
    }

    private async Task WaitForStateAsync(string id, string state)
    {
        for (var i = 0; i < 300; i++)
        {
            var response = await Http.GetAsync($"/batches/{id}");
            if (response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString() == state)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"batch {id} never reached {state}");
    }
}
