using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;
using Xunit.Abstractions;

namespace PriceIngest.Integration.Tests.Api;

/// <summary>
/// A huge body of garbage is parsed only up to the chunk where the error cap is passed, not to its
/// end (what Kestrel then does with the unread bytes is its own business: the answer asks it to close).
/// </summary>
[Collection("postgres")]
public sealed class GarbageBodyTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private const long BodyBytes = 200L << 20;
    private SiloInstance _silo = null!;

    public async Task InitializeAsync()
    {
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync(), "--Ingest:MaxReportedErrors=100");
        await TestData.LoadReferenceAsync(_silo.Http);
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Theory]
    [InlineData("application/x-ndjson", "{\"origin\": nonsense, \"price\": [}\n")]
    [InlineData("text/csv", "origin,destination,day,price\n")]
    public async Task Two_hundred_megabytes_of_garbage_stop_being_read_once_the_error_list_is_full(string mediaType, string firstLine)
    {
        var body = new GarbageContent(mediaType, firstLine, mediaType == "text/csv" ? "XXXXX,\"YY\"Y,someday,-\n" : "{\"origin\": nonsense, \"price\": [}\n");
        var clock = Stopwatch.StartNew();

        using var response = await _silo.Http.PostAsync("/batches?id=garbage", body);

        output.WriteLine($"{mediaType}: answered after {clock.Elapsed.TotalSeconds:0.00} s, {body.Written >> 20} MiB of {BodyBytes >> 20} MiB sent");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var rejection = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("reading stopped after item", rejection.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(100, rejection.GetProperty("errors").GetArrayLength());
        Assert.InRange(rejection.GetProperty("items").GetInt64(), 101, 2 * 8_192);
        Assert.Equal(0, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    /// <summary>A first line, then one line repeated up to 200 MiB, generated as it is sent.</summary>
    private sealed class GarbageContent : HttpContent
    {
        private readonly byte[] _first;
        private readonly byte[] _block;

        public GarbageContent(string mediaType, string first, string line)
        {
            _first = Encoding.UTF8.GetBytes(first);
            _block = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(line, 64 * 1024 / line.Length)));
            Headers.ContentType = new(mediaType);
        }

        public long Written { get; private set; }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await stream.WriteAsync(_first, cancellationToken);
            while (Written < BodyBytes)
            {
                await stream.WriteAsync(_block, cancellationToken);
                Written += _block.Length;
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
