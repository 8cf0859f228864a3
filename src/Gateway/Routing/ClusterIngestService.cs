using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Options;
using PriceIngest.Gateway.Hosting;
using PriceIngest.Grains.Batches;
using PriceIngest.Grains.Services;

namespace PriceIngest.Gateway.Routing;

/// <summary>
/// Uploads through the cluster: the gateway drives the batch's <see cref="IBatchGrain"/> as a
/// silo's own APIs do (<see cref="BatchConversation"/>). The first <see cref="GatewayOptions.ReplayItems"/>
/// items are kept, so if the grain's silo stops or dies before the outcome, a batch that short is
/// sent again under the same id (exactly once: the id's advisory lock and committed record live
/// in PostgreSQL) and the client sees no failure. A longer batch that loses its silo is answered
/// UNAVAILABLE, nothing written, for the client to send again.
/// </summary>
/// <remarks>
/// While a silo stops, Orleans can lose a call between this client and the cluster (it then fails
/// only at its response timeout), and with it the attempt's Abort: the grain would hold that
/// attempt open until the silo's drain timeout. All attempts carry one <see cref="BatchHeader.Sender"/>,
/// so the next attempt drops it instead of being refused as a duplicate.
/// </remarks>
internal sealed class ClusterIngestService(IClusterClient cluster, ClusterCalls calls, IOptions<GatewayOptions> options) : IIngestService
{
    private static readonly TimeSpan ResendPoll = TimeSpan.FromMilliseconds(250);

    public async Task<BatchOutcome> UploadAsync(BatchHeader header, IAsyncEnumerable<PriceChunk> chunks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(chunks);

        // One sender for all attempts: an attempt whose calls were lost is dropped by the next one.
        header = header with { Sender = Guid.NewGuid() };
        await using var source = chunks.GetAsyncEnumerator(cancellationToken);
        var replay = new Replay(options.Value.ReplayItems);
        var attempt = 0;
        System.Diagnostics.Stopwatch? held = null;
        try
        {
            while (true)
            {
                try
                {
                    return await calls.RunAsync(GatewayMetrics.Upload, ct =>
                        {
                            if (++attempt > 1 && !replay.Complete)
                            {
                                throw new ServiceUnavailableException(
                                    $"the silo receiving batch '{header.BatchId}' went away after more than {options.Value.ReplayItems} items (Gateway:ReplayItems); nothing was written, send the batch again with the same id");
                            }

                            return cluster.GetGrain<IBatchGrain>(header.BatchId).UploadAsync(header, replay.Read(source, ct), ct);
                        },
                        cancellationToken,
                        // The upload died with its silo (a new activation does not know it): the replay commits once.
                        alsoRetry: e => e is UploadExpiredException);
                }
                catch (BatchInProgressException) when (attempt > 1 && (held ??= System.Diagnostics.Stopwatch.StartNew()).Elapsed < options.Value.ResendWait)
                {
                    // The id is still held by this gateway's own interrupted attempt (on a stopping silo,
                    // by an activation the retry did not reach): that attempt is aborted within the silo's
                    // idle or drain timeout, so wait for it rather than tell the client "already being uploaded".
                    await Task.Delay(ResendPoll, cancellationToken);
                }
            }
        }
        catch (SourceFailure e)
        {
            // The client's own stream failed (malformed body, a limit, cancellation): that is the answer.
            ExceptionDispatchInfo.Throw(e.InnerException!);
            throw;
        }
    }

    public Task<BatchOutcome?> GetBatchAsync(string batchId, CancellationToken cancellationToken) =>
        calls.RunAsync(GatewayMetrics.Batch, ct => cluster.GetGrain<IBatchGrain>(batchId).GetAsync(ct), cancellationToken);

    /// <summary>The start of an upload kept for a replay, while it is short enough; then the rest of the client's stream.</summary>
    private sealed class Replay(int limit)
    {
        private readonly List<PriceChunk> _chunks = [];
        private long _items;
        private bool _sourceEnded;

        /// <summary>Everything read from the client so far is kept (a replay can resend all of it).</summary>
        public bool Complete { get; private set; } = true;

        public async IAsyncEnumerable<PriceChunk> Read(
            IAsyncEnumerator<PriceChunk> source, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var kept in _chunks.ToArray())
            {
                yield return kept;
            }

            while (!_sourceEnded)
            {
                cancellationToken.ThrowIfCancellationRequested();
                PriceChunk chunk;
                try
                {
                    if (!await source.MoveNextAsync())
                    {
                        _sourceEnded = true;
                        yield break;
                    }

                    chunk = source.Current;
                }
                catch (Exception e)
                {
                    throw new SourceFailure(e);
                }

                Keep(chunk);
                yield return chunk;
            }
        }

        private void Keep(PriceChunk chunk)
        {
            if (!Complete)
            {
                return;
            }

            _items += chunk.Items.Length;
            if (_items > limit)
            {
                Complete = false;
                _chunks.Clear();
                return;
            }

            _chunks.Add(chunk);
        }
    }

    /// <summary>A failure of the client's stream, told apart from failures of the cluster.</summary>
    private sealed class SourceFailure(Exception inner) : Exception(inner.Message, inner);
}
