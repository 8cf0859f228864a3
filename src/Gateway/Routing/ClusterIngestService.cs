using System.Runtime.ExceptionServices;
using Grpc.Core;
using Microsoft.Extensions.Options;
using PriceIngest.Api.Grpc;
using PriceIngest.Api.Internal;
using PriceIngest.Contracts.Internal.V1;
using PriceIngest.Gateway.Hosting;
using PriceIngest.Grains.Batches;
using PriceIngest.Grains.Membership;
using PriceIngest.Grains.Services;
using V1 = PriceIngest.Contracts.V1;

namespace PriceIngest.Gateway.Routing;

/// <summary>
/// Uploads across the cluster: a batch goes to one active silo chosen by rendezvous over its id
/// (so retries of an id meet the same silo while membership is stable) and is relayed chunk by
/// chunk. The first <see cref="GatewayOptions.ReplayItems"/> items are kept, so if the silo fails
/// before answering, a batch that short is replayed on the next silo with the same id (exactly
/// once: the id's advisory lock and committed record live in PostgreSQL). A longer batch that
/// loses its silo is answered UNAVAILABLE, nothing written, for the client to send again.
/// </summary>
internal sealed class ClusterIngestService(SiloChannels silos, GatewayMetrics metrics, IOptions<GatewayOptions> options) : IIngestService
{
    private const string Kind = "upload";

    public async Task<BatchOutcome> UploadAsync(BatchHeader header, IAsyncEnumerable<PriceChunk> chunks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(chunks);
        await using var source = chunks.GetAsyncEnumerator(cancellationToken);
        var replay = new Replay(options.Value.ReplayItems);
        var excluded = new HashSet<Guid>();
        Exception? last = null;
        for (var attempt = 1; attempt <= options.Value.MaxAttempts; attempt++)
        {
            if (OwnerOf(header.BatchId, excluded) is not { } silo)
            {
                break;
            }

            if (attempt > 1)
            {
                metrics.Retry(Kind);
            }

            try
            {
                return await RelayAsync(silo, header, source, replay, cancellationToken);
            }
            catch (SourceFailure e)
            {
                ExceptionDispatchInfo.Throw(e.InnerException!);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested
                && (SiloFailures.MayRetryElsewhere(e) || (attempt > 1 && e is RpcException { StatusCode: StatusCode.AlreadyExists })))
            {
                last = e;
                excluded.Add(silo.Id);
                if (e is not RpcException { StatusCode: StatusCode.AlreadyExists })
                {
                    silos.Suspect(silo);
                }

                if (!replay.Complete)
                {
                    metrics.Exhausted(Kind);
                    throw new ServiceUnavailableException(
                        $"the silo receiving batch '{header.BatchId}' failed after more than {options.Value.ReplayItems} items (Gateway:ReplayItems); nothing was written, send the batch again with the same id", e);
                }

                if (e is RpcException { StatusCode: StatusCode.AlreadyExists })
                {
                    // The failed silo may still be letting go of the id; give it a moment.
                    await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
                }
            }
            catch (RpcException e)
            {
                throw SiloFailures.ToDomain(e, header.BatchId);
            }
        }

        if (last is null)
        {
            metrics.NoSilo(Kind);
            throw new ServiceUnavailableException("no silo is active right now; nothing was written, retry shortly");
        }

        metrics.Exhausted(Kind);
        throw last is RpcException { StatusCode: StatusCode.AlreadyExists } busy
            ? SiloFailures.ToDomain(busy, header.BatchId)
            : new ServiceUnavailableException($"no silo could take batch '{header.BatchId}' after {options.Value.MaxAttempts} attempts; nothing was written, retry shortly", last);
    }

    public async Task<BatchOutcome?> GetBatchAsync(string batchId, CancellationToken cancellationToken)
    {
        var excluded = new HashSet<Guid>();
        Exception? last = null;
        for (var attempt = 1; attempt <= options.Value.MaxAttempts; attempt++)
        {
            if (OwnerOf(batchId, excluded) is not { } silo)
            {
                break;
            }

            metrics.Call("batch", silo.Endpoint);
            try
            {
                var receipt = await silos.Ingest(silo).GetBatchAsync(
                    new V1.GetBatchRequest { BatchId = batchId }, deadline: DateTime.UtcNow + options.Value.SiloCallTimeout, cancellationToken: cancellationToken);
                return Receipts.ToOutcome(receipt);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                return null;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && SiloFailures.MayRetryElsewhere(e))
            {
                last = e;
                excluded.Add(silo.Id);
                silos.Suspect(silo);
                metrics.Retry("batch");
            }
            catch (RpcException e)
            {
                throw SiloFailures.ToDomain(e, batchId);
            }
        }

        throw new ServiceUnavailableException("no silo could answer right now; retry shortly", last);
    }

    /// <summary>The silo a batch id goes to among the candidates not yet tried, or null when none is left.</summary>
    private SiloEntry? OwnerOf(string batchId, IReadOnlySet<Guid> excluded) =>
        silos.Candidates(excluded) is { Count: > 0 } candidates ? Rendezvous.Owner(Rendezvous.KeyOf(batchId), candidates) : null;

    private async Task<BatchOutcome> RelayAsync(
        SiloEntry silo, BatchHeader header, IAsyncEnumerator<PriceChunk> source, Replay replay, CancellationToken cancellationToken)
    {
        metrics.Call(Kind, silo.Endpoint);
        using var call = silos.Silo(silo).Upload(cancellationToken: cancellationToken);
        try
        {
            await call.RequestStream.WriteAsync(RelayedChunks.Header(header), cancellationToken);
            foreach (var kept in replay.Chunks)
            {
                await call.RequestStream.WriteAsync(RelayedChunks.Encode(kept), cancellationToken);
            }

            while (!replay.SourceEnded)
            {
                PriceChunk chunk;
                try
                {
                    if (!await source.MoveNextAsync())
                    {
                        replay.EndOfSource();
                        break;
                    }

                    chunk = source.Current;
                }
                catch (Exception e)
                {
                    // The client's stream failed (malformed body, limit, cancellation): the silo call
                    // is cancelled with it, so nothing is written.
                    throw new SourceFailure(e);
                }

                replay.Keep(chunk);
                await call.RequestStream.WriteAsync(RelayedChunks.Encode(chunk), cancellationToken);
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (Exception writeError) when (writeError is not SourceFailure && !cancellationToken.IsCancellationRequested)
        {
            // The silo may have answered before reading everything (a committed id, a refusal):
            // then its answer is the outcome. Without an answer the write error stands.
            try
            {
                await call.ResponseAsync.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            }
            catch (TimeoutException)
            {
                throw writeError;
            }
        }

        return Receipts.ToOutcome(await call.ResponseAsync);
    }

    /// <summary>The start of an upload kept for a replay, while it is short enough.</summary>
    private sealed class Replay(int limit)
    {
        private readonly List<PriceChunk> _chunks = [];
        private long _items;

        /// <summary>Everything read from the client so far is kept (a replay can resend all of it).</summary>
        public bool Complete { get; private set; } = true;

        public bool SourceEnded { get; private set; }

        public IReadOnlyList<PriceChunk> Chunks => _chunks;

        public void Keep(PriceChunk chunk)
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

        public void EndOfSource() => SourceEnded = true;
    }

    private sealed class SourceFailure(Exception inner) : Exception(inner.Message, inner);
}
