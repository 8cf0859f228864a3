namespace PriceIngest.Grpc.Core;

/// <summary>The request stream of a client-streaming or duplex call.</summary>
public interface IClientStreamWriter<in T> : IAsyncStreamWriter<T>
{
    /// <summary>Ends the request stream (HTTP/2 END_STREAM); the server then sees the end of its input.</summary>
    Task CompleteAsync();
}
