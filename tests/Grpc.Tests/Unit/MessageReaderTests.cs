using System.IO.Pipelines;
using Google.Protobuf;
using PriceIngest.Grpc.Core;
using PriceIngest.Grpc.Framing;
using PriceIngest.Grpc.Tests.Infrastructure;
using PriceIngest.Grpc.Tests.Protos;

namespace PriceIngest.Grpc.Tests.Unit;

public sealed class MessageReaderTests
{
    [Fact]
    public async Task Reads_messages_split_at_every_byte()
    {
        // DATA frame boundaries mean nothing: feed the stream one byte per write.
        var pipe = new Pipe();
        var body = Enumerable.Range(0, 20).SelectMany(i => RawGrpcClient.Frame(new Number { Value = i, Pad = ByteString.CopyFrom(new byte[i]) })).ToArray();
        var reader = new MessageReader<Number>(pipe.Reader, Marshallers.Protobuf(Number.Parser), 1024, null, null);

        var feeding = Task.Run(async () =>
        {
            foreach (var b in body)
            {
                await pipe.Writer.WriteAsync(new[] { b });
            }

            await pipe.Writer.CompleteAsync();
        });
        var values = new List<long>();
        while (await reader.MoveNextAsync(CancellationToken.None))
        {
            values.Add(reader.Current.Value);
        }

        await feeding;
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), values);
    }

    [Fact]
    public async Task Zero_length_message_is_a_default_message()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(RawGrpcClient.Frame([]));
        await pipe.Writer.CompleteAsync();
        var reader = new MessageReader<Number>(pipe.Reader, Marshallers.Protobuf(Number.Parser), 1024, null, null);

        Assert.True(await reader.MoveNextAsync(CancellationToken.None));
        Assert.Equal(0, reader.Current.Value);
        Assert.False(await reader.MoveNextAsync(CancellationToken.None));
    }
}
