using System.IO.Pipelines;
using System.Text;
using PriceIngest.Formats;

namespace PriceIngest.Client.Tests;

/// <summary>The one CSV reader of server and client (RFC 4180).</summary>
public sealed class CsvReaderTests
{
    [Fact]
    public async Task Quoted_fields_keep_commas_quotes_and_line_breaks_exactly()
    {
        var records = await ReadAsync("a,b,c\r\n\"CN,SGH\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n plain , \" spaced \" ,\r\n");

        Assert.Equal(["a|b|c", "CN,SGH|say \"hi\"|two\nlines", "plain| spaced |"], records.Select(r => r.Fields));
        Assert.Equal([1L, 2L, 4L], records.Select(r => r.Line));
        Assert.All(records, r => Assert.Null(r.Error));
    }

    [Fact]
    public async Task A_byte_order_mark_and_blank_lines_are_skipped_but_a_blank_line_inside_quotes_is_kept()
    {
        var records = await ReadAsync("\uFEFForigin,x\n\n  \n\"first\n\nthird\",y\n");

        Assert.Equal(["origin|x", "first\n\nthird|y"], records.Select(r => r.Fields));
    }

    [Theory]
    [InlineData("ab\"c,d", "field 1: a quote inside an unquoted field")]
    [InlineData("a,\"b\"c,d", "field 2: text after the closing quote")]
    public async Task Broken_quoting_is_reported_on_the_record_not_repaired(string line, string error)
    {
        var record = Assert.Single(await ReadAsync(line + "\n"));

        Assert.StartsWith(error, record.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_quote_never_closed_fails_the_body_naming_its_line()
    {
        var e = await Assert.ThrowsAsync<MalformedBodyException>(() => ReadAsync("a,b\nc,\"d\ne\n"));

        Assert.Contains("line 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_quote_left_open_cannot_swallow_more_than_the_line_limit()
    {
        var body = "a,\"" + string.Concat(Enumerable.Repeat(new string('x', 1000) + "\n", 100));

        var e = await Assert.ThrowsAsync<MalformedBodyException>(() => ReadAsync(body));

        Assert.Contains($"longer than {LineReader.MaxLineBytes} bytes", e.Message, StringComparison.Ordinal);
    }

    private static async Task<List<(string Fields, long Line, string? Error)>> ReadAsync(string text)
    {
        var body = PipeReader.Create(new MemoryStream(Encoding.UTF8.GetBytes(text)));
        var records = new List<(string, long, string?)>();
        await foreach (var record in CsvReader.ReadAsync(body, CancellationToken.None))
        {
            records.Add((string.Join('|', Enumerable.Range(0, record.Count).Select(record.GetString)), record.Line, record.Error));
        }

        return records;
    }
}
