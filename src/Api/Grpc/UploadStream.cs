using System.Runtime.CompilerServices;
using PriceIngest.Contracts.V1;
using PriceIngest.Api.Codecs;
using PriceIngest.Grains.Batches;
using ItemError = PriceIngest.Grains.Batches.ItemError;
using Grpc.Core;

namespace PriceIngest.Api.Grpc;

/// <summary>
/// The messages after an upload's header, as chunks of <c>chunkItems</c> items whatever the
/// clients' message sizes: one message is read only when the previous chunk has been handed on,
/// so an upload of any length streams in constant memory.
/// </summary>
internal static class UploadStream
{
    public static async IAsyncEnumerable<PriceChunk> ReadAsync(
        IAsyncStreamReader<UploadPart> requests, int chunkItems, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var chunk = new ChunkBuilder(chunkItems);
        var errors = new List<ItemError>();
        var message = 1L;
        while (await requests.MoveNext(cancellationToken))
        {
            var request = requests.Current;
            if (request.Kind != UploadBatchRequest.PartOneofCase.Items)
            {
                throw DomainStatus.InvalidArgument("header", request.Kind == UploadBatchRequest.PartOneofCase.Header
                    ? $"header arrived again in message {message}: only the first message carries it; nothing was written"
                    : $"message {message} carries neither header nor items; nothing was written");
            }

            foreach (var full in request.AddItems(chunk, errors))
            {
                yield return full;
            }

            message++;
        }

        if (chunk.Take() is { } last)
        {
            yield return last;
        }
    }

    /// <summary>The items of a single message (SubmitBatch), chunked the same way.</summary>
    public static IEnumerable<PriceChunk> Chunk(IEnumerable<Contracts.V1.PriceItem> items, int chunkItems)
    {
        var chunk = new ChunkBuilder(chunkItems);
        var errors = new List<ItemError>();
        foreach (var full in ProtoItems.AddAll(chunk, items, errors))
        {
            yield return full;
        }

        if (chunk.Take() is { } last)
        {
            yield return last;
        }
    }
}
