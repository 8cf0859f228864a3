using System.IO.Pipelines;

namespace PriceIngest.Api.Limits;

/// <summary>A request body whose every read is timed by a <see cref="StallGuard"/>.</summary>
internal sealed class StallGuardedBodyReader(PipeReader body, StallGuard guard) : PipeReader
{
    /// <summary>True once a read saw the end of the body.</summary>
    public bool ReachedEnd { get; private set; }

    /// <remarks>The guard's token is linked to the request's abort token, which is what callers pass.</remarks>
    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var result = await body.ReadAsync(guard.Arm()).ConfigureAwait(false);
            ReachedEnd |= result.IsCompleted;
            return result;
        }
        catch (OperationCanceledException) when (guard.Stalled)
        {
            throw guard.Failure();
        }
        finally
        {
            guard.Disarm();
        }
    }

    public override bool TryRead(out ReadResult result) => body.TryRead(out result);

    public override void AdvanceTo(SequencePosition consumed) => body.AdvanceTo(consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => body.AdvanceTo(consumed, examined);

    public override void CancelPendingRead() => body.CancelPendingRead();

    public override void Complete(Exception? exception = null) => body.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => body.CompleteAsync(exception);
}
