namespace PriceIngest.Grpc.Core;

/// <summary>What the call objects handed to client code read from the running call.</summary>
internal interface IClientCall : IDisposable
{
    Task<Metadata> ResponseHeadersAsync { get; }

    /// <summary>The final status; only once the call is over.</summary>
    Status GetStatus();

    /// <summary>The trailing metadata; only once the call is over.</summary>
    Metadata GetTrailers();
}
