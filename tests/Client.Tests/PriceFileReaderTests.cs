using System.Text;
using PriceIngest.Client.Sources;
using PriceIngest.Contracts.V1;

namespace PriceIngest.Client.Tests;

public sealed class PriceFileReaderTests
{
    [Fact]
    public async Task Csv_columns_in_any_order_quotes_and_blank_lines()
    {
        var items = await Read("day,price,origin,destination\r\n\r\n2016-01-01,100,CNSGH,NLRTM\r\n\"2016-01-02\", 200 ,\"CN\"\"SGH\",NLRTM\r\n", PriceFileFormat.Csv);

        Assert.Equal(2, items.Count);
        Assert.Equal(new PriceItem { Origin = "CNSGH", Destination = "NLRTM", Day = "2016-01-01", Price = 100 }, items[0]);
        Assert.Equal(new PriceItem { Origin = "CN\"SGH", Destination = "NLRTM", Day = "2016-01-02", Price = 200 }, items[1]);
    }

    [Fact]
    public async Task A_csv_currency_column_is_passed_on_and_an_empty_cell_stays_empty()
    {
        var items = await Read("currency,origin,destination,day,price\nEUR,CNSGH,NLRTM,2016-01-01,100\n,CNSGH,NLRTM,2016-01-01,7\n", PriceFileFormat.Csv);

        Assert.Equal(["EUR", ""], items.Select(i => i.Currency));
        Assert.Equal([100L, 7L], items.Select(i => i.Price));
    }

    [Fact]
    public async Task An_ndjson_currency_is_passed_on()
    {
        var items = await Read("{\"origin\":\"CNSGH\",\"destination\":\"NLRTM\",\"day\":\"2016-01-01\",\"price\":1,\"currency\":\"GBP\"}\n", PriceFileFormat.Ndjson);

        Assert.Equal("GBP", Assert.Single(items).Currency);
    }

    [Fact]
    public async Task Csv_values_the_server_judges_pass_through()
    {
        var items = await Read("origin,destination,day,price\nXXXXX,NLRTM,2016-02-30,-5\n", PriceFileFormat.Csv);

        Assert.Equal(new PriceItem { Origin = "XXXXX", Destination = "NLRTM", Day = "2016-02-30", Price = -5 }, Assert.Single(items));
    }

    [Theory]
    [InlineData("origin,destination,day,price\nCNSGH,NLRTM,2016-01-01,12.5x\n", 2, "price '12.5x' is not a number")]
    [InlineData("origin,destination,day,price\nCNSGH,NLRTM,2016-01-01,1.0000000001\n", 2, "price '1.0000000001' has more than 9 decimal places")]
    [InlineData("origin,destination,day,price\nCNSGH,NLRTM,2016-01-01\n", 2, "expected 4 fields, found 3")]
    [InlineData("origin,destination,when,price\n", 1, "the header has no 'day' column")]
    [InlineData("", 0, "the file is empty")]
    public async Task Csv_lines_that_cannot_become_items_name_their_line(string text, long line, string reason)
    {
        var e = await Assert.ThrowsAsync<PriceFileException>(() => Read(text, PriceFileFormat.Csv));

        Assert.Equal(line, e.Line);
        Assert.StartsWith(reason, e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prices_with_decimals_become_units_and_nanos_with_the_sign_of_the_price()
    {
        var csv = await Read("origin,destination,day,price,currency\nCNSGH,NLRTM,2016-01-01,12.50,EUR\nCNSGH,NLRTM,2016-01-01,-0.25,EUR\n", PriceFileFormat.Csv);
        var ndjson = await Read("{\"price\":3.000000001}\n{\"price\":\"7.5\"}\n", PriceFileFormat.Ndjson);

        Assert.Equal([(12L, 500_000_000), (0L, -250_000_000), (3L, 1), (7L, 500_000_000)],
            csv.Concat(ndjson).Select(i => (i.Price, i.PriceNanos)));
    }

    [Fact]
    public async Task Ndjson_objects_one_per_line()
    {
        var items = await Read("{\"origin\":\"CNSGH\",\"destination\":\"NLRTM\",\"day\":\"2016-01-01\",\"price\":1234}\n\n{\"price\":\"7\",\"day\":\"2016-01-02\",\"origin\":\"A\",\"destination\":\"B\",\"extra\":true}\n", PriceFileFormat.Ndjson);

        Assert.Equal([1234L, 7L], items.Select(i => i.Price));
        Assert.Equal("A", items[1].Origin);
    }

    [Theory]
    [InlineData("{\"origin\":\"A\",\"price\":true}", "price true is not a number")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("{\"origin\":", "not a JSON object")]
    [InlineData("{\"origin\":5,\"price\":1}", "'origin' must be a string")]
    public async Task Ndjson_lines_that_cannot_become_items(string line, string reason)
    {
        var e = await Assert.ThrowsAsync<PriceFileException>(() => Read("\n" + line + "\n", PriceFileFormat.Ndjson));

        Assert.Equal(2, e.Line);
        Assert.StartsWith(reason, e.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a.ndjson", PriceFileFormat.Ndjson)]
    [InlineData("a.JSONL", PriceFileFormat.Ndjson)]
    [InlineData("a.csv", PriceFileFormat.Csv)]
    [InlineData("prices", PriceFileFormat.Csv)]
    public void Format_from_the_extension(string path, PriceFileFormat format) => Assert.Equal(format, PriceFileFormats.FromPath(path));

    private static async Task<List<PriceItem>> Read(string text, PriceFileFormat format)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        var items = new List<PriceItem>();
        await foreach (var item in PriceFileReader.ReadAsync(stream, format))
        {
            items.Add(item);
        }

        return items;
    }
}
