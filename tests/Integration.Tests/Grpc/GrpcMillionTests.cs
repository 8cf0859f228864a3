using System.Diagnostics;
using PriceIngest.Contracts.V1;
using Grpc.Net.Client;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;
using Xunit.Abstractions;
using static PriceIngest.Integration.Tests.Grpc.GrpcRequests;

namespace PriceIngest.Integration.Tests.Grpc;

/// <summary>A 1,000,000-item UploadBatch (100 messages of 10,000 items) from python grpcio and from our client.</summary>
[Collection("postgres")]
public sealed class GrpcMillionTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Total = 1_000_000;
    private const int PerMessage = 10_000;

    private SiloInstance _silo = null!;

    public async Task InitializeAsync()
    {
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync());
        await TestData.LoadReferenceAsync(_silo.Http);
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task Python_grpcio_uploads_a_million_items_in_one_batch()
    {
        var before = await Sql.PriceCountAsync(_silo.ConnectionString);

        var result = await PythonGrpcClient.RunAsync(_silo.GrpcPort, "million", TimeSpan.FromMinutes(5), "py", Total.ToString(System.Globalization.CultureInfo.InvariantCulture), PerMessage.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(Total, result.GetProperty("items").GetInt64());
        Assert.Equal(Total, await Sql.PriceCountAsync(_silo.ConnectionString) - before);
        output.WriteLine($"python grpcio, 1,000,000 items in 100 messages: {result}");
        Console.WriteLine($"[1M UploadBatch] python grpcio: {result}");
    }

    [Fact]
    public async Task Our_client_uploads_a_million_items_in_one_batch()
    {
        var before = await Sql.PriceCountAsync(_silo.ConnectionString);
        string[] ports = ["NLRTM", "DEHAM", "ESBCN", "CNSGH", "CNNBO"];
        var lanes = ports.SelectMany(o => ports.Where(d => d != o).Select(d => (o, d))).ToArray();
        var random = new Random(7);
        var build = Stopwatch.StartNew();
        var messages = Enumerable.Range(0, Total / PerMessage).Select(m => Enumerable.Range(m * PerMessage, PerMessage).Select(i =>
            Item(lanes[i % lanes.Length].o, lanes[i % lanes.Length].d, $"2018-{(i % 336 / 28) + 1:00}-{(i % 28) + 1:00}", random.Next(1, 5000))).ToArray()).ToList();
        build.Stop();
        using var channel = GrpcChannel.ForAddress(_silo.GrpcAddress);

        var upload = Stopwatch.StartNew();
        var receipt = await UploadAsync(channel, "ours-million", messages);
        upload.Stop();

        Assert.Equal((BatchStatus.Committed, (long)Total), (receipt.Status, receipt.Items));
        Assert.Equal(Total, await Sql.PriceCountAsync(_silo.ConnectionString) - before);
        var line = $"our client, 1,000,000 items in 100 messages: build {build.Elapsed.TotalSeconds:F2} s, upload {upload.Elapsed.TotalSeconds:F2} s ({Total / upload.Elapsed.TotalSeconds:F0} items/s)";
        output.WriteLine(line);
        Console.WriteLine($"[1M UploadBatch] {line}");
    }
}
