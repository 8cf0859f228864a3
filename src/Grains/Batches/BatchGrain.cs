using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans;
using Orleans.Placement;
using Orleans.Runtime;
using PriceIngest.Grains.Coherence;
using PriceIngest.Grains.Compaction;
using PriceIngest.Grains.ExchangeRates;
using PriceIngest.Grains.ReferenceData;
using PriceIngest.Grains.Services;
using PriceIngest.Grains.Storage;

namespace PriceIngest.Grains.Batches;

/// <summary>
/// Stages, validates and atomically commits one batch. Validation runs per chunk as the batch
/// streams in; the first invalid item stops staging (the batch is lost anyway) but every item is
/// still checked so the rejection can count them all.
/// </summary>
/// <remarks>
/// Placed on the silo that receives the upload (its chunks then never cross silos) and never moved
/// by the rebalancer: moving it would abort the upload. Idle means no chunk arrived for the
/// collection age: an upload stalled that long is aborted.
/// </remarks>
[PreferLocalPlacement]
[Immovable]
[CollectionAgeLimit(Minutes = 10)]
internal sealed partial class BatchGrain(
    NpgsqlDataSource dataSource,
    UploadConnections uploads,
    UploadsInProgress inProgress,
    ReferenceDataCache reference,
    CommitFeed commits,
    SegmentIndexer indexer,
    IOptions<IngestOptions> options,
    IngestMetrics metrics,
    ExchangeRateFetcher fetcher,
    TimeProvider time,
    ILogger<BatchGrain> logger) : Grain, IBatchGrain
{
    // How often an open upload's idle clock is read (see IngestOptions.IdleTimeout).
    private static readonly TimeSpan IdleCheck = TimeSpan.FromSeconds(1);

    private static readonly Task<bool> MoreWanted = Task.FromResult(true);
    private static readonly Task<bool> NoMoreWanted = Task.FromResult(false);

    private Upload? _upload;
    private BatchOutcome? _committed;

    private string BatchId => this.GetPrimaryKeyString();

    public async Task<BatchStart> StartAsync(BatchHeader header, CancellationToken cancellationToken)
    {
        try
        {
            return await OpenAsync(header, cancellationToken);
        }
        catch (NpgsqlException e)
        {
            // Database errors become a type every caller (also on another silo) understands.
            LogDatabaseFailed(logger, BatchId, e);
            if (e is not PostgresException)
            {
                // A broken connection mostly means the server restarted or failed over: the other
                // idle connections of the pool are dead too, and the sender's retry needs a live one.
                uploads.Clear();
            }

            throw new ServiceUnavailableException($"the database is unreachable; batch '{BatchId}' was not started");
        }
    }

    private async Task<BatchStart> OpenAsync(BatchHeader header, CancellationToken cancellationToken)
    {
        if (_upload is { } open)
        {
            if (header.Sender == Guid.Empty || open.Header.Sender != header.Sender)
            {
                throw new BatchInProgressException(BatchId);
            }

            // The sender gave up on that attempt (a call of it was lost or timed out), or it would not start again.
            await RecordAbortAsync(open, "restarted", "its sender started the upload again; nothing was written");
            await EndAsync(open);
            throw new ServiceUnavailableException($"batch '{BatchId}': the sender's previous attempt was dropped; send it again", otherSiloMayServe: true);
        }

        if (_committed is not null)
        {
            return new(null, _committed);
        }

        if (inProgress.Draining)
        {
            // Gone after this call, so that the caller's retry activates the id on a silo that stays.
            this.DeactivateOnIdle();
            throw new ServiceUnavailableException($"this silo is stopping; batch '{BatchId}' was not started, send it again", otherSiloMayServe: true);
        }

        // A slot is taken before a connection is asked for, so a full silo says so at once instead
        // of waiting out the connection pool and blaming the database.
        var slots = options.Value.MaxConcurrentUploads;
        if (!inProgress.TryEnter(slots))
        {
            metrics.SlotsFull();
            this.DeactivateOnIdle();
            throw new ServiceUnavailableException(
                $"all {slots} upload slots of this silo are in use (Ingest:MaxConcurrentUploads); batch '{BatchId}' was not started, send it again shortly",
                otherSiloMayServe: true);
        }

        var starting = System.Diagnostics.Stopwatch.GetTimestamp();
        NpgsqlConnection connection;
        try
        {
            connection = await uploads.OpenAsync(cancellationToken);
        }
        catch
        {
            inProgress.Exit();
            throw;
        }

        try
        {
            // The lock, not this grain, is what makes a duplicate on another silo fail too.
            if (!await BatchStore.TryLockAsync(connection, BatchId, cancellationToken))
            {
                throw new BatchInProgressException(BatchId);
            }

            var existing = await BatchStore.ReadAsync(connection, BatchId, cancellationToken);
            if (existing is { State: BatchState.Committed })
            {
                _committed = existing;
                inProgress.Exit();
                await ReleaseAsync(connection);
                this.DeactivateOnIdle();
                return new(null, existing);
            }

            await BatchStore.MarkReceivingAsync(connection, BatchId, header.Source, cancellationToken);
            var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
            var rates = new ExchangeRateTable();
            _upload = new Upload(Guid.NewGuid(), header, connection, new ItemValidator(reference.Current, options.Value, today, rates), rates)
            {
                StartedIn = System.Diagnostics.Stopwatch.GetElapsedTime(starting),
            };
            _upload.IdleTimer = this.RegisterGrainTimer(AbortIfIdleAsync, _upload, new GrainTimerCreationOptions(IdleCheck, IdleCheck) { KeepAlive = false });
            LogStarted(logger, BatchId);
            return new(_upload.Token, null);
        }
        catch
        {
            // Unlock before the connection goes back to the pool: a pooled session keeps its locks.
            inProgress.Exit();
            await ReleaseAsync(connection);
            throw;
        }
    }

    public Task<bool> AppendAsync(Guid uploadToken, PriceChunk chunk, CancellationToken cancellationToken)
    {
        var upload = Current(uploadToken);
        upload.LastHeard = System.Diagnostics.Stopwatch.GetTimestamp();
        var limits = options.Value;
        if (upload.Items + chunk.Items.Length > limits.MaxBatchItems)
        {
            return TooLargeAsync(upload, limits.MaxBatchItems);
        }

        // A currency's rates are read once per batch, the first time a chunk names it, and a day
        // the table lacks is fetched once (when configured); USD never waits.
        var currencies = upload.Rates.Unread(chunk);
        return currencies is not null || (fetcher.Enabled && upload.Rates.Unfetched(chunk) is not null)
            ? ReadRatesThenStageAsync(upload, chunk, currencies, cancellationToken)
            : Stage(upload, chunk) ? MoreWanted : NoMoreWanted;
    }

    private async Task<bool> ReadRatesThenStageAsync(Upload upload, PriceChunk chunk, List<string>? currencies, CancellationToken cancellationToken)
    {
        try
        {
            if (currencies is not null)
            {
                await upload.Rates.ReadAsync(upload.LockConnection, currencies, cancellationToken);
            }

            if (fetcher.Enabled && upload.Rates.Unfetched(chunk) is { } days)
            {
                await FetchRatesAsync(upload.Rates, days, cancellationToken);
            }
        }
        catch (Exception e) when (e is NpgsqlException or ServiceUnavailableException)
        {
            LogDatabaseFailed(logger, BatchId, e);
            await RecordAbortAsync(upload, "database", $"reading exchange rates failed: {Describe(e)}; nothing was written");
            await EndAsync(upload);
            throw new ServiceUnavailableException(
                $"the database failed while batch '{BatchId}' was uploading; nothing was written, retry with the same id");
        }

        return Stage(upload, chunk);
    }

    /// <summary>A few days at a time; a day that fails is not guessed, its items are rejected with the reason.</summary>
    private async Task FetchRatesAsync(ExchangeRateTable rates, List<DateOnly> days, CancellationToken cancellationToken)
    {
        foreach (var group in days.Chunk(4))
        {
            var fetches = group.Select(day => fetcher.TryFetchAsync(day, cancellationToken)).ToArray();
            await Task.WhenAll(fetches);
            for (var i = 0; i < group.Length; i++)
            {
                var (fetched, failure) = fetches[i].Result;
                if (fetched is not null)
                {
                    rates.Fetched(group[i], fetched);
                }
                else
                {
                    rates.FetchFailed(group[i], failure!);
                }
            }
        }
    }

    /// <summary>Validates and stages the chunk; false once the sender should stop reading.</summary>
    private bool Stage(Upload upload, PriceChunk chunk)
    {
        // Syntax errors (from the codec) and semantic ones are reported together, in item order.
        var syntax = 0;
        var itemErrors = new List<ItemError>();
        for (var i = 0; i < chunk.Items.Length; i++)
        {
            var index = chunk.FirstIndex + i;
            for (; syntax < chunk.Errors.Length && chunk.Errors[syntax].Index <= index; syntax++)
            {
                itemErrors.Add(chunk.Errors[syntax]);
            }

            var item = chunk.Items[i];
            var lane = upload.Validator.Validate(index, item, itemErrors, out var usd);
            if (itemErrors.Count > 0)
            {
                upload.InvalidItems++;
                itemErrors.Sort(ItemValidator.FieldOrder);
                itemErrors.ForEach(e => Report(upload, e));
                itemErrors.Clear();
            }
            else if (upload.InvalidItems == 0)
            {
                upload.Rows.Add(lane, item.Day!.Value, usd);
                if (item.Currency is { } currency && currency != Currencies.Usd)
                {
                    System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(upload.Converted, currency, out _)++;
                }
            }
        }

        upload.Items += chunk.Items.Length;
        upload.StoppedReading = upload.InvalidItems > options.Value.MaxReportedErrors;
        return !upload.StoppedReading;
    }

    public async Task<BatchOutcome> CommitAsync(Guid uploadToken, CancellationToken cancellationToken)
    {
        var upload = Current(uploadToken);
        try
        {
            var problem = upload switch
            {
                { StoppedReading: true } => ("invalid_items",
                    $"the batch has invalid items, more than a rejection lists (Ingest:MaxReportedErrors), so reading stopped after item {upload.Items - 1}; the rest was not checked"),
                { InvalidItems: > 0 } => ("invalid_items", "the batch has invalid items"),
                { Items: 0 } => ("empty", "the batch is empty"),
                { Header.DeclaredItems: { } declared } when declared != upload.Items =>
                    ("count_mismatch", $"the header declared {declared} items but {upload.Items} arrived"),
                _ => ((string Cause, string Reason)?)null,
            };
            if (problem is (var cause, var reason))
            {
                var rejected = new BatchOutcome(BatchId, BatchState.Rejected, upload.Items, null, upload.InvalidItems,
                    [.. upload.Errors], reason, upload.ReceivedAt, time.GetUtcNow());
                await BatchStore.MarkFinishedAsync(upload.LockConnection, rejected, cancellationToken);
                LogRejected(logger, BatchId, upload.Items, upload.InvalidItems, reason);
                metrics.Finished(BatchState.Rejected, upload.Items, cause);
                return await BatchStore.ReadAsync(upload.LockConnection, BatchId, cancellationToken) ?? rejected;
            }

            var received = upload.Started.Elapsed;
            var sorting = System.Diagnostics.Stopwatch.GetTimestamp();
            upload.Rows.Sort();
            var sorted = System.Diagnostics.Stopwatch.GetElapsedTime(sorting);
            var announced = (Seq: 0L, Segment: 0);
            ImmutableArray<CurrencyCount> converted = [.. upload.Converted.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => new CurrencyCount(c.Key, c.Value))];
            CommittedRecord record;
            CommitTimings timings;
            try
            {
                (record, timings) = await SegmentWriter.CommitAsync(upload.LockConnection, BatchId, upload.Header.Source, upload.Rows, converted,
                    (seq, segment) =>
                    {
                        announced = (seq, segment);
                        commits.ExpectLocal(seq, segment, upload.Rows);
                    },
                    cancellationToken);
            }
            catch when (announced.Seq != 0)
            {
                commits.ForgetLocal(announced.Seq, announced.Segment);
                throw;
            }

            RecordPhases(upload.StartedIn, received, sorted, timings);

            // What the row records (its timestamps came back with the commit), as any other silo reads it.
            var commitSeq = record.CommitSeq;
            _committed = new BatchOutcome(BatchId, BatchState.Committed, upload.Items, commitSeq, 0, [], null, record.ReceivedAt, record.FinishedAt, converted);
            metrics.Finished(BatchState.Committed, upload.Items, null);
            LogCommitted(logger, BatchId, upload.Items, commitSeq, upload.StartedIn.TotalSeconds, received.TotalSeconds, sorted.TotalSeconds,
                timings.Copy.TotalSeconds, timings.Index.TotalSeconds, timings.Commit.TotalSeconds);

            // The caller's next read in this silo must see the batch: apply it to the cached lanes
            // now (the id's lock is released first; the commit is durable already).
            await EndAsync(upload);
            await commits.WaitAppliedAsync(commitSeq);

            // The segment's covering btree is built next, in the background; its BRIN serves lookups until then.
            indexer.Wake();
            return _committed;
        }
        catch (Exception e) when (_committed is null)
        {
            // A connection lost during COMMIT leaves its outcome unknown here (a failover may have
            // promoted a standby that has it). The abort record never overwrites a committed row,
            // and the retry reads the row by id, so it either commits once or returns the receipt.
            await RecordAbortAsync(upload, e is NpgsqlException ? "database" : "commit_failed", $"the commit failed: {Describe(e)}; nothing was written");
            if (e is NpgsqlException)
            {
                LogDatabaseFailed(logger, BatchId, e);
                throw new ServiceUnavailableException(
                    $"the database failed while batch '{BatchId}' was committing; retry with the same id: it commits once, or returns the receipt if this commit went through");
            }

            throw;
        }
        finally
        {
            await EndAsync(upload);
        }
    }

    public async Task AbortAsync(Guid uploadToken, string reason)
    {
        if (_upload is { } upload && upload.Token == uploadToken)
        {
            await RecordAbortAsync(upload, "client", reason);
            await EndAsync(upload);
        }
    }

    public async Task<BatchOutcome?> GetAsync(CancellationToken cancellationToken)
    {
        if (_committed is not null)
        {
            return _committed;
        }

        if (_upload is null)
        {
            this.DeactivateOnIdle();
        }

        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            return await BatchStore.ReadAsync(connection, BatchId, cancellationToken);
        }
        catch (NpgsqlException e) when (e is not PostgresException || e.IsTransient)
        {
            throw new ServiceUnavailableException($"the database is unreachable; the state of batch '{BatchId}' cannot be read right now, retry shortly", e);
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_upload is { } upload)
        {
            await RecordAbortAsync(upload, "silo_stopped", "the silo stopped before the upload finished");
            await EndAsync(upload);
        }
    }

    private void RecordPhases(TimeSpan started, TimeSpan received, TimeSpan sorted, CommitTimings timings)
    {
        metrics.Phase("start", started);
        metrics.Phase("receive", received);
        metrics.Phase("sort", sorted);
        metrics.Phase("copy", timings.Copy);
        metrics.Phase("index", timings.Index);
        metrics.Phase("commit", timings.Commit);
    }

    /// <summary>A timer turn (never during a call): aborts the upload if its sender has been silent too long.</summary>
    private async Task AbortIfIdleAsync(Upload upload, CancellationToken cancellationToken)
    {
        var limit = inProgress.Draining ? options.Value.DrainIdleTimeout : options.Value.IdleTimeout;
        if (!ReferenceEquals(_upload, upload) || System.Diagnostics.Stopwatch.GetElapsedTime(upload.LastHeard) < limit)
        {
            return;
        }

        var setting = inProgress.Draining ? "Ingest:DrainIdleTimeout" : "Ingest:IdleTimeout";
        await RecordAbortAsync(upload, "idle", $"nothing arrived for {limit.TotalSeconds:0.#} s ({setting}); nothing was written");
        await EndAsync(upload);
    }

    private Upload Current(Guid uploadToken) =>
        _upload is { } upload && upload.Token == uploadToken
            ? upload
            : throw new UploadExpiredException(BatchId);

    private void Report(Upload upload, ItemError error)
    {
        if (upload.Errors.Count < options.Value.MaxReportedErrors)
        {
            upload.Errors.Add(error with { Value = ItemValidator.Printable(error.Value), Reason = ItemValidator.Printable(error.Reason)! });
        }
    }

    private async Task<bool> TooLargeAsync(Upload upload, long limit)
    {
        metrics.Finished(BatchState.Rejected, upload.Items, "too_large");
        var rejected = new BatchOutcome(BatchId, BatchState.Rejected, upload.Items, null, upload.InvalidItems, [.. upload.Errors],
            $"the batch has more than {limit} items (Ingest:MaxBatchItems)", upload.ReceivedAt, time.GetUtcNow());
        try
        {
            await BatchStore.MarkFinishedAsync(upload.LockConnection, rejected, CancellationToken.None);
        }
        finally
        {
            await EndAsync(upload);
        }

        throw new BatchTooLargeException(BatchId, limit);
    }

    /// <param name="cause">The metric's reason label: database, commit_failed, client, restarted, silo_stopped, idle.</param>
    private async Task RecordAbortAsync(Upload upload, string cause, string reason)
    {
        metrics.Finished(BatchState.Aborted, upload.Items, cause);
        var aborted = new BatchOutcome(BatchId, BatchState.Aborted, upload.Items, null, 0, [], reason, upload.ReceivedAt, time.GetUtcNow());
        try
        {
            // The upload's own connection may be the one that died; record on a fresh one.
            await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
            await BatchStore.MarkFinishedAsync(connection, aborted, CancellationToken.None);
            LogAborted(logger, BatchId, reason);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // Nothing was written either way; a 'receiving' row without a live owner reads as aborted.
            LogAbortNotRecorded(logger, BatchId, e);
        }
    }

    private async Task EndAsync(Upload upload)
    {
        if (!ReferenceEquals(_upload, upload))
        {
            return;
        }

        _upload = null;
        upload.IdleTimer?.Dispose();
        inProgress.Exit();

        // The outcome is in PostgreSQL; an idle batch grain would only skew the activation counts
        // Orleans's rebalancer balances (it cannot move batch grains) and hold memory for 10 minutes.
        this.DeactivateOnIdle();
        await ReleaseAsync(upload.LockConnection);
    }

    private async Task ReleaseAsync(NpgsqlConnection connection)
    {
        try
        {
            if (connection.FullState == System.Data.ConnectionState.Open)
            {
                await BatchStore.UnlockAsync(connection, BatchId);
            }
        }
        catch (NpgsqlException)
        {
            // A broken connection has already lost its locks.
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    private static string Describe(Exception e) => e switch
    {
        OperationCanceledException => "the upload was cancelled",
        PostgresException pg => $"database error {pg.SqlState}",
        NpgsqlException => "the database connection was lost",
        _ => "an internal error occurred",
    };

    [LoggerMessage(EventId = 2100, Level = LogLevel.Debug, Message = "Batch {BatchId} started receiving")]
    private static partial void LogStarted(ILogger logger, string batchId);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information,
        Message = "Batch {BatchId} committed: {Items} items, commit {CommitSeq} (start {Start:F3} s, receive {Receive:F3} s, sort {Sort:F3} s, copy {Copy:F3} s, brin+attach {Index:F3} s, commit {Commit:F3} s)")]
    private static partial void LogCommitted(ILogger logger, string batchId, long items, long commitSeq, double start, double receive, double sort, double copy, double index, double commit);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Batch {BatchId} rejected: {Items} items, {InvalidItems} invalid: {Reason}")]
    private static partial void LogRejected(ILogger logger, string batchId, long items, long invalidItems, string reason);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "Batch {BatchId} aborted: {Reason}")]
    private static partial void LogAborted(ILogger logger, string batchId, string reason);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "Batch {BatchId}: the database failed")]
    private static partial void LogDatabaseFailed(ILogger logger, string batchId, Exception exception);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "Batch {BatchId} aborted, but the abort could not be recorded")]
    private static partial void LogAbortNotRecorded(ILogger logger, string batchId, Exception exception);
}
