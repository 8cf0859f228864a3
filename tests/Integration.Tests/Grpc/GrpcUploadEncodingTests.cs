using Google.Protobuf;
using PriceIngest.Contracts.V1;
using Grpc.Net.Client;
using Grpc.Core;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;
using static PriceIngest.Integration.Tests.Grpc.GrpcRequests;

namespace PriceIngest.Integration.Tests.Grpc;

/// <summary>
/// The silo decodes UploadBatch items straight from the wire bytes; any valid protobuf encoding
/// (field order, unknown fields, repeated fields, a part given twice) must read exactly as the
/// generated parser reads it, and malformed bytes must fail as before.
/// </summary>
[Collection("postgres")]
public sealed class GrpcUploadEncodingTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly Method<byte[], BatchReceipt> RawUpload = new(
        MethodType.ClientStreaming, IngestService.Descriptor.FullName, "UploadBatch",
        Marshallers.Create(bytes => bytes, bytes => bytes),
        Marshallers.Create(receipt => receipt.ToByteArray(), BatchReceipt.Parser.ParseFrom));

    private SiloInstance _silo = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync());
        await TestData.LoadReferenceAsync(_silo.Http);
        _channel = GrpcChannel.ForAddress(_silo.GrpcAddress);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _silo.DisposeAsync();
    }

    [Fact]
    public async Task Items_in_any_valid_protobuf_encoding_are_read_as_protobuf_reads_them()
    {
        byte[] reversedWithUnknownFields = [.. Varint(4 << 3, 100), .. Text(3, "2016-01-01"), .. Text(2, "NLRTM"), .. Text(1, "CNSGH"), .. Varint(9 << 3, 5), .. Text(10, "hi")];
        byte[] originTwice = [.. Text(1, "XXXXX"), .. Item("CNSGH", "NLRTM", "2016-01-01", 200).ToByteArray(), .. Text(1, "CNSGH")];
        byte[] first = [.. Field(1, reversedWithUnknownFields), .. Field(1, originTwice)];

        // The items part twice in one message: protobuf merges the two lists.
        byte[] second = [.. Field(2, Items(Item("CNSGH", "DEHAM", "2016-01-02", 300)).Items.ToByteArray()),
            .. Field(2, Items(Item("CNSGH", "DEHAM", "2016-01-02", 400)).Items.ToByteArray())];

        // An unknown top-level field next to the items.
        byte[] third = [.. Varint(7 << 3, 1), .. Items(Item("CNNBO", "NLRTM", "2016-01-03", 500)).ToByteArray()];

        var receipt = await UploadRawAsync("g-encodings", [.. Field(2, first)], second, third);

        Assert.Equal((BatchStatus.Committed, 5L), (receipt.Status, receipt.Items));
        Assert.Equal(1500, await Sql.ScalarAsync<long>(_silo.ConnectionString, "select sum(price) from prices"));
        Assert.Equal(2, await Sql.ScalarAsync<long>(_silo.ConnectionString,
            "select count(*) from prices where lane = (select (o.id::int << 16) | d.id from ports o, ports d where o.code = 'CNSGH' and d.code = 'NLRTM')"));
    }

    [Fact]
    public async Task A_field_with_the_wrong_wire_type_is_skipped_like_protobuf_does_so_the_item_lacks_it()
    {
        byte[] originAsNumber = [.. Varint(1 << 3, 42), .. Text(2, "NLRTM"), .. Text(3, "2016-01-01"), .. Varint(4 << 3, 100)];

        var receipt = await UploadRawAsync("g-wire-type", [.. Field(2, Field(1, originAsNumber))]);

        Assert.Equal(BatchStatus.Rejected, receipt.Status);
        var error = Assert.Single(receipt.Errors);
        Assert.Equal((0L, "origin", "origin is missing"), (error.Index, error.Field, error.Reason));
        Assert.Equal(0, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    [Fact]
    public async Task Malformed_items_fail_the_upload_and_write_nothing()
    {
        // Items part declared 5 bytes long, 1 byte present.
        var error = await Assert.ThrowsAsync<RpcException>(() => UploadRawAsync("g-malformed", [0x12, 0x05, 0x0A]));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains("could not be deserialized", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await Sql.PriceCountAsync(_silo.ConnectionString));
    }

    private async Task<BatchReceipt> UploadRawAsync(string batchId, params byte[][] itemMessages)
    {
        using var call = _channel.CreateCallInvoker().AsyncClientStreamingCall(RawUpload, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30)));
        try
        {
            await call.RequestStream.WriteAsync(Header(batchId).ToByteArray());
            foreach (var message in itemMessages)
            {
                await call.RequestStream.WriteAsync(message);
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException)
        {
            // The server may have ended the call already; its answer is what the test reads.
        }

        return await call.ResponseAsync;
    }

    private static byte[] Field(int number, byte[] body) => [.. VarintBytes((ulong)((number << 3) | 2)), .. VarintBytes((ulong)body.Length), .. body];

    private static byte[] Text(int number, string text) => Field(number, System.Text.Encoding.UTF8.GetBytes(text));

    private static byte[] Varint(int tag, ulong value) => [.. VarintBytes((ulong)tag), .. VarintBytes(value)];

    private static byte[] VarintBytes(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);

        return [.. bytes];
    }
}
