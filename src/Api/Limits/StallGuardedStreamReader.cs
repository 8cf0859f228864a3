using Grpc.Core;

namespace PriceIngest.Api.Limits;

/// <summary>A gRPC request stream whose every message must arrive within the <see cref="StallGuard"/>'s time.</summary>
internal sealed class StallGuardedStreamReader<T>(IAsyncStreamReader<T> messages, StallGuard guard) : IAsyncStreamReader<T>
{
    public T Current => messages.Current;

    /// <remarks>The guard's token is linked to the call's token, which is what callers pass.</remarks>
    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        try
        {
            return await messages.MoveNext(guard.Arm()).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && guard.Stalled)
        {
            throw guard.Failure();
        }
        finally
        {
            guard.Disarm();
        }
    }
}
