using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using PriceIngest.Client.Sources;
using PriceIngest.Contracts.V1;
using Polly;
using Polly.Retry;

namespace PriceIngest.Client;

/// <summary>
/// The typed client of <c>priceingest.v1</c>: streams batches (in chunks, constant memory),
/// submits small ones, reads batch states and daily rates. Transient failures (UNAVAILABLE:
/// server down or draining, connection refused or reset) are retried a bounded number of times
/// with exponential backoff and jitter, always with the same batch id: the server commits a batch
/// id at most once, so a retry after a lost answer returns the first receipt. Every other status
/// (INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, ...) surfaces at once as <see cref="RpcException"/>.
/// A rejected batch is not an exception: its receipt has status REJECTED and the item errors.
/// One client per server (or per set of equivalent gateways); thread-safe.
/// </summary>
public sealed class PriceIngestClient : IDisposable
{
    private readonly Uri[] _addresses;
    private readonly GrpcChannel[] _channels;
    private readonly IngestService.IngestServiceClient[] _ingest;
    private readonly PriceService.PriceServiceClient[] _prices;
    private readonly PriceIngestClientOptions _options;
    private int _current;

    public PriceIngestClient(string address, PriceIngestClientOptions? options = null)
        : this(new Uri(address, UriKind.Absolute), options)
    {
    }

    public PriceIngestClient(Uri address, PriceIngestClientOptions? options = null)
        : this([address ?? throw new ArgumentNullException(nameof(address))], options)
    {
    }

    /// <summary>
    /// A client of several equivalent servers (gateways): calls go to one of them, and a transient
    /// failure moves the client to the next one for the retry and for later calls.
    /// </summary>
    public PriceIngestClient(IReadOnlyList<Uri> addresses, PriceIngestClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        ArgumentOutOfRangeException.ThrowIfZero(addresses.Count);
        _options = options ?? new PriceIngestClientOptions();
        _options.Validate();
        _addresses = [.. addresses];
        _channels = [.. addresses.Select(a => GrpcChannel.ForAddress(a, _options.ChannelOptions ?? PriceIngestClientOptions.DefaultChannelOptions()))];
        _ingest = [.. _channels.Select(c => new IngestService.IngestServiceClient(c))];
        _prices = [.. _channels.Select(c => new PriceService.PriceServiceClient(c))];
    }

    /// <summary>The server the next call goes to.</summary>
    public Uri Address => _addresses[Current];

    private int Current => (int)((uint)Volatile.Read(ref _current) % (uint)_channels.Length);

    /// <summary>Streams a file (CSV or NDJSON; format from the extension when not given) as batch <paramref name="batchId"/>.</summary>
    public Task<BatchReceipt> UploadFileAsync(
        string batchId, string path, PriceFileFormat? format = null, IProgress<UploadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        UploadAsync(batchId, PriceSource.FromFile(path, format), progress, cancellationToken);

    /// <summary>Streams the items a factory makes (called again for each retry) as batch <paramref name="batchId"/>.</summary>
    public Task<BatchReceipt> UploadAsync(
        string batchId, Func<CancellationToken, IAsyncEnumerable<PriceItem>> items, IProgress<UploadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        UploadAsync(batchId, PriceSource.FromFactory(items), progress, cancellationToken);

    /// <summary>
    /// Streams <paramref name="source"/> as batch <paramref name="batchId"/>: a header message, then
    /// <see cref="PriceIngestClientOptions.ChunkItems"/> items per message. Each retry starts the
    /// source over with the same batch id; a source that cannot restart is retried only when the
    /// failure came before anything was read from it.
    /// </summary>
    public async Task<BatchReceipt> UploadAsync(
        string batchId, PriceSource source, IProgress<UploadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(batchId);
        ArgumentNullException.ThrowIfNull(source);
        var attempt = 0;
        var pipeline = Pipeline("upload", e => source.CanRestart || !source.Started);
        return await pipeline.ExecuteAsync(
            async token => await UploadOnceAsync(batchId, source, ++attempt, progress, token).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A small batch in one message (SubmitBatch).</summary>
    public Task<BatchReceipt> SubmitAsync(string batchId, IEnumerable<PriceItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(batchId);
        ArgumentNullException.ThrowIfNull(items);
        var request = new SubmitBatchRequest { Header = Header(batchId) };
        request.Items.AddRange(items);
        return UnaryAsync("submit", (options, i) => _ingest[i].SubmitBatchAsync(request, options), cancellationToken);
    }

    /// <summary>The recorded state of a batch id (NOT_FOUND when never received).</summary>
    public Task<BatchReceipt> GetBatchAsync(string batchId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(batchId);
        var request = new GetBatchRequest { BatchId = batchId };
        return UnaryAsync("get batch", (options, i) => _ingest[i].GetBatchAsync(request, options), cancellationToken);
    }

    /// <summary>Average daily prices between two places (port codes or region slugs), days "YYYY-MM-DD" inclusive.</summary>
    public Task<RatesReply> GetRatesAsync(RatesRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return UnaryAsync("get rates", (options, i) => _prices[i].GetRatesAsync(request, options), cancellationToken);
    }

    public Task<RatesReply> GetRatesAsync(
        string origin, string destination, DateOnly from, DateOnly to, long? minCommitSeq = null, int? minCount = null, CancellationToken cancellationToken = default)
    {
        var request = new RatesRequest
        {
            Origin = origin,
            Destination = destination,
            DateFrom = from.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            DateTo = to.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        };
        if (minCommitSeq is { } seq)
        {
            request.MinCommitSeq = seq;
        }

        if (minCount is { } count)
        {
            request.MinCount = count;
        }

        return GetRatesAsync(request, cancellationToken);
    }

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }

    private async Task<BatchReceipt> UploadOnceAsync(
        string batchId, PriceSource source, int attempt, IProgress<UploadProgress>? progress, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        long items = 0;
        long messages = 0;
        UploadProgress Snapshot(bool completed) =>
            new(attempt, items, messages, source.BytesRead, source.TotalBytes, watch.Elapsed, completed);

        progress?.Report(Snapshot(false));
        using var call = _ingest[Current].UploadBatch(Options(_options.UploadTimeout, cancellationToken));
        try
        {
            await call.RequestStream.WriteAsync(new UploadBatchRequest { Header = Header(batchId) }, cancellationToken).ConfigureAwait(false);
            messages++;

            var chunk = new PriceItems();
            await foreach (var item in source.ReadAsync(cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                chunk.Items.Add(item);
                if (chunk.Items.Count >= _options.ChunkItems)
                {
                    await call.RequestStream.WriteAsync(new UploadBatchRequest { Items = chunk }, cancellationToken).ConfigureAwait(false);
                    items += chunk.Items.Count;
                    messages++;
                    chunk = new PriceItems();
                    progress?.Report(Snapshot(false));
                }
            }

            if (chunk.Items.Count > 0)
            {
                await call.RequestStream.WriteAsync(new UploadBatchRequest { Items = chunk }, cancellationToken).ConfigureAwait(false);
                items += chunk.Items.Count;
                messages++;
            }

            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception writeError) when (writeError is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The server may have answered before reading everything (a committed id returns its
            // first receipt at once; an error ends the call): then its answer is the outcome, not
            // the write error. If no answer comes, the write error stands.
            try
            {
                await call.ResponseAsync.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw writeError;
            }
        }

        progress?.Report(Snapshot(false));
        var receipt = await call.ResponseAsync.ConfigureAwait(false);
        progress?.Report(Snapshot(true));
        return receipt;
    }

    /// <summary>One unary call (on the current server, with retries): <paramref name="call"/> gets the options and the server's index.</summary>
    private async Task<TResponse> UnaryAsync<TResponse>(
        string operation, Func<CallOptions, int, AsyncUnaryCall<TResponse>> call, CancellationToken cancellationToken)
    {
        var pipeline = Pipeline(operation, static _ => true);
        return await pipeline.ExecuteAsync(
            async token =>
            {
                using var pending = call(Options(_options.CallTimeout, token), Current);
                return await pending.ResponseAsync.ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
    }

    private ResiliencePipeline Pipeline(string operation, Func<Exception, bool> mayRetry)
    {
        if (_options.MaxAttempts == 1)
        {
            return ResiliencePipeline.Empty;
        }

        return new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = _options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryDelay,
                MaxDelay = _options.MaxRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } e
                    && !args.Context.CancellationToken.IsCancellationRequested
                    && Transient.IsTransient(e)
                    && mayRetry(e)),

                // A server that says how long to wait is believed; otherwise the backoff decides.
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is { } e ? Transient.RetryAfter(e) : null),
                OnRetry = args =>
                {
                    // Fail over: the retry (and what follows) goes to the next server, if there are several.
                    Interlocked.Increment(ref _current);
                    _options.OnRetry?.Invoke(new RetryNotice(operation, args.AttemptNumber + 2, _options.MaxAttempts, args.RetryDelay, args.Outcome.Exception!));
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    private CallOptions Options(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        Metadata? headers = null;
        var authorization = !string.IsNullOrEmpty(_options.Authorization) ? _options.Authorization
            : !string.IsNullOrEmpty(_options.ApiKey) ? "Bearer " + _options.ApiKey
            : null;
        if (authorization is not null || _options.UseGzip)
        {
            headers = [];
            if (authorization is not null)
            {
                headers.Add("authorization", authorization);
            }

            if (_options.UseGzip)
            {
                // Grpc.Net.Client's way to compress the messages this call sends (grpc-encoding: gzip).
                headers.Add("grpc-internal-encoding-request", "gzip");
            }
        }

        return new CallOptions(headers, timeout is { } t ? DateTime.UtcNow + t : null, cancellationToken);
    }

    private BatchHeader Header(string batchId) => new() { BatchId = batchId, Source = _options.Source };
}
