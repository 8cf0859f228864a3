using Google.Protobuf;
using Grpc.Core;
using PriceIngest.Contracts.V1;

namespace PriceIngest.Api.Grpc;

/// <summary>
/// The raw messages of an UploadBatch stream as <see cref="UploadPart"/>s, one at a time. A message
/// that is not a valid <c>UploadBatchRequest</c> ends the call with INTERNAL, as a failure to
/// deserialize a request does in gRPC.
/// </summary>
internal sealed class UploadPartReader(IAsyncStreamReader<RawMessage> messages) : IAsyncStreamReader<UploadPart>
{
    private UploadPart? _current;
    private long _read;

    public UploadPart Current => _current ?? throw new InvalidOperationException("no message has been read");

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        if (!await messages.MoveNext(cancellationToken))
        {
            _current = null;
            return false;
        }

        _read++;
        try
        {
            _current = UploadPart.Parse(messages.Current);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"message {_read} could not be deserialized as an UploadBatchRequest: {e.Message}"));
        }

        return true;
    }
}
