namespace PriceIngest.Api.Limits;

/// <summary>
/// The stall clock of one upload: each read of its body or stream must bring something within
/// <see cref="CallerLimitsOptions.UploadStallTimeout"/>. The clock runs only while a read waits, so
/// time the server spends on a chunk never counts against the sender.
/// </summary>
internal sealed class StallGuard(TimeSpan timeout, LimitsMetrics metrics, CancellationToken callAborted) : IDisposable
{
    private CancellationTokenSource _clock = CancellationTokenSource.CreateLinkedTokenSource(callAborted);

    /// <summary>Starts the clock for one read; the token also ends when the call is aborted.</summary>
    public CancellationToken Arm()
    {
        if (_clock.IsCancellationRequested)
        {
            // Fired just after the previous read brought data: that read was in time.
            _clock.Dispose();
            _clock = CancellationTokenSource.CreateLinkedTokenSource(callAborted);
        }

        _clock.CancelAfter(timeout);
        return _clock.Token;
    }

    public void Disarm() => _clock.CancelAfter(Timeout.InfiniteTimeSpan);

    /// <summary>True when a read ended because the clock ran out (not because the caller left).</summary>
    public bool Stalled => _clock.IsCancellationRequested && !callAborted.IsCancellationRequested;

    public UploadStalledException Failure()
    {
        metrics.Refused("upload_stalled");
        return new(timeout);
    }

    public void Dispose() => _clock.Dispose();
}
