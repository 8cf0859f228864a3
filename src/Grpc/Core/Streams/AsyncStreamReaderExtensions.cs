using System.Runtime.CompilerServices;

namespace PriceIngest.Grpc.Core;

public static class AsyncStreamReaderExtensions
{
    /// <summary>The stream as an async enumerable: <c>await foreach (var m in stream.ReadAllAsync(ct))</c>.</summary>
    public static async IAsyncEnumerable<T> ReadAllAsync<T>(
        this IAsyncStreamReader<T> streamReader, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamReader);
        while (await streamReader.MoveNext(cancellationToken))
        {
            yield return streamReader.Current;
        }
    }
}
