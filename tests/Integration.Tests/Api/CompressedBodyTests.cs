using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Api;

[Collection("postgres")]
public sealed class CompressedBodyTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const int BodyLimit = 64 * 1024;

    private SiloInstance _silo = null!;

    private HttpClient Http => _silo.Http;

    public async Task InitializeAsync()
    {
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync(), $"--Rest:MaxBatchBodyBytes={BodyLimit}");
        await TestData.LoadReferenceAsync(Http);
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    public async Task A_compressed_batch_is_decoded_and_committed(string encoding)
    {
        var rows = TestData.RandomPrices(new Random(3), 500);
        var csv = "origin,destination,day,price\n" + string.Concat(rows.Select(r => $"{r.Origin},{r.Destination},{r.Day},{r.Price}\n"));

        var response = await Http.PostAsync($"/batches?id={encoding}", Compressed(csv, encoding));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(500, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").GetInt64());
        Assert.Equal(rows.Sum(r => r.Price), await Sql.ScalarAsync<long>(_silo.ConnectionString, "select sum(price) from prices"));
    }

    [Fact]
    public async Task A_compressed_body_that_decodes_beyond_the_limit_is_413_and_writes_nothing()
    {
        // About 1 MB of CSV in a few kB of gzip: the limit is on what the body decodes to.
        var csv = "origin,destination,day,price\n" + string.Concat(Enumerable.Repeat("CNSGH,NLRTM,2016-01-01,5\n", 40_000));
        var body = Compressed(csv, "gzip");
        Assert.True(body.Headers.ContentLength < BodyLimit);

        var response = await Http.PostAsync("/batches?id=bomb", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    [Fact]
    public async Task A_corrupt_gzip_body_is_400_and_writes_nothing()
    {
        var good = Compressed("origin,destination,day,price\nCNSGH,NLRTM,2016-01-01,5\n", "gzip");
        var bytes = await good.ReadAsByteArrayAsync();
        bytes[12] ^= 0xFF;
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("text/csv");
        content.Headers.ContentEncoding.Add("gzip");

        var response = await Http.PostAsync("/batches?id=corrupt", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("compressed body is corrupt", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    [Fact]
    public async Task An_encoding_the_server_cannot_decode_is_415_not_read_as_text()
    {
        var content = new StringContent("origin,destination,day,price\nCNSGH,NLRTM,2016-01-01,5\n", Encoding.UTF8, "text/csv");
        content.Headers.ContentEncoding.Add("br");

        var response = await Http.PostAsync("/batches?id=brotli", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("'br' is not supported", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/batches/brotli")).StatusCode);
    }

    [Fact]
    public async Task Compressed_reference_data_is_decoded()
    {
        var response = await Http.PutAsync("/ports", Compressed("code,name,region\nUSNYC,New York,north_europe\n", "gzip"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("New York", await Sql.ScalarAsync<string>(_silo.ConnectionString, "select name from ports where code = 'USNYC'"));
    }

    private static ByteArrayContent Compressed(string text, string encoding)
    {
        using var buffer = new MemoryStream();
        using (Stream compressor = encoding == "gzip" ? new GZipStream(buffer, CompressionLevel.Optimal) : new ZLibStream(buffer, CompressionLevel.Optimal))
        {
            compressor.Write(Encoding.UTF8.GetBytes(text));
        }

        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        content.Headers.ContentEncoding.Add(encoding);
        return content;
    }
}
