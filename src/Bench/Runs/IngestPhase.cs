using System.Net;
using PriceIngest.Bench.Contenders;
using PriceIngest.Bench.Contenders.Sql;
using PriceIngest.Bench.Data;
using PriceIngest.Bench.Measurement;
using PriceIngest.Bench.Reporting;

namespace PriceIngest.Bench.Runs;

/// <summary>
/// Ingest: for each batch size, several batches (each its own seed); every contender ingests every
/// batch, in an order that rotates from batch to batch. Tables keep what they received, so each
/// run starts from the base plus the earlier batches, the same for every contender. A CHECKPOINT
/// before each batch keeps checkpoints out of the timings. The service's database time per phase
/// comes from pg_stat_statements; one rejected copy of a batch per size times the receive side alone.
/// </summary>
public sealed class IngestPhase(RunContext run)
{
    /// <summary>Ends the key of a service's EUR rows (e.g. <c>c_rest_eur</c>).</summary>
    public const string EuroSuffix = "_eur";

    internal const int WarmUpItems = 5_000;

    public List<IngestResult> Results { get; } = [];

    public List<RejectProbe> RejectProbes { get; } = [];

    /// <summary>Every batch the service committed (and so did the textbook table), for the checks after the runs.</summary>
    public List<IngestBatch> Batches { get; } = [];

    /// <summary>The textbook table: the ground truth of the checks after the runs; it receives every committed batch.</summary>
    public SqlCopyContender Textbook { get; } = SqlCopyContender.Textbook(run.DataSource, run.Reference);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var textbook = Textbook;
        IIngestContender[] contenders =
        [
            SqlCopyContender.UnindexedCodes(run.DataSource, run.Reference),
            SqlCopyContender.UnindexedIds(run.DataSource, run.Reference),
            textbook,
            .. run.Services,
        ];

        run.Say.Step($"ingest warm-up: {WarmUpItems:N0} items through every contender");
        var warmUp = Prepare(WarmUpItems, 900, "warmup");
        foreach (var contender in contenders)
        {
            await contender.IngestAsync(warmUp with { Id = $"{warmUp.Id}-{contender.Key}" }, cancellationToken);
        }

        await KeepTextbookEqualAsync(textbook, warmUp, cancellationToken);
        Batches.Add(warmUp);
        var sizeIndex = 0;
        foreach (var (items, runs) in run.Settings.IngestSizes)
        {
            var timings = contenders.ToDictionary(c => c.Key, _ => new List<IngestTiming>(), StringComparer.Ordinal);
            IngestBatch? last = null;
            for (var r = 0; r < runs; r++)
            {
                var batch = last = Prepare(items, 1000 + (sizeIndex * 100) + r, $"{items}-{r}");
                await CheckpointAsync(cancellationToken);
                for (var j = 0; j < contenders.Length; j++)
                {
                    var contender = contenders[(r + sizeIndex + j) % contenders.Length];
                    run.Say.Step($"ingest {items:N0} items, run {r + 1} of {runs}: {contender.Name}");
                    await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
                    timings[contender.Key].Add(await IngestAsync(contender, batch with { Id = $"{batch.Id}-{contender.Key}" }, cancellationToken));
                }

                await KeepTextbookEqualAsync(textbook, batch, cancellationToken);
                Batches.Add(batch);
            }

            foreach (var contender in contenders)
            {
                Results.Add(Summarise(items, contender, timings[contender.Key]));
            }

            RejectProbes.Add(await RejectProbeAsync(last!, cancellationToken));
            sizeIndex++;
        }

        await EuroRunsAsync(textbook, cancellationToken);
    }

    /// <summary>
    /// The largest size again with every price in EUR (each day's rate put first): the service converts
    /// each item at its day's rate. The textbook table receives the prices converted here, so the checks
    /// after the runs compare the conversion too. Reported as its own rows next to USD of the same run.
    /// </summary>
    private async Task EuroRunsAsync(SqlCopyContender textbook, CancellationToken cancellationToken)
    {
        var items = run.Settings.IngestSizes[^1].Items;
        var timings = run.Services.ToDictionary(s => s.Key, _ => new List<IngestTiming>(), StringComparer.Ordinal);
        for (var r = 0; r < run.Settings.EuroRuns; r++)
        {
            var rows = run.Generator.Batch(items, 5000 + r);
            var rates = EuroRates.For(rows);
            await EuroRates.PutAsync(run.DataSource, rates, cancellationToken);
            var batch = new IngestBatch($"{run.RunId}-eur-{items}-{r}", rows, CsvBodies.Prices(run.Reference, rows, currency: "EUR"), "EUR");
            var converted = rows.Select(row => row with { Price = EuroRates.ToUsd(row.Price, rates[row.Day]) }).ToArray();
            GC.Collect();
            await CheckpointAsync(cancellationToken);
            for (var j = 0; j < run.Services.Count; j++)
            {
                var service = run.Services[(r + j) % run.Services.Count];
                run.Say.Step($"ingest {items:N0} items in EUR, run {r + 1} of {run.Settings.EuroRuns}: {service.Name}");
                await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
                timings[service.Key].Add(await IngestAsync(service, batch with { Id = $"{batch.Id}-{service.Key}" }, cancellationToken));
            }

            var truth = new IngestBatch(batch.Id, converted, []);
            for (var copy = 0; copy < run.Services.Count; copy++)
            {
                await textbook.IngestAsync(truth, cancellationToken);
            }

            Batches.Add(truth);
        }

        foreach (var service in run.Services)
        {
            Results.Add(Summarise(items, service.Key + EuroSuffix, service.Name + ", prices in EUR", timings[service.Key]));
        }
    }

    /// <summary>
    /// Every service contender commits the batch into the same service; the textbook table, the
    /// ground truth after the runs, receives it as often (untimed beyond the first).
    /// </summary>
    private async Task KeepTextbookEqualAsync(SqlCopyContender textbook, IngestBatch batch, CancellationToken cancellationToken)
    {
        for (var extra = 1; extra < run.Services.Count; extra++)
        {
            await textbook.IngestAsync(batch, cancellationToken);
        }
    }

    internal IngestBatch Prepare(int items, int seed, string name)
    {
        var rows = run.Generator.Batch(items, seed);
        GC.Collect();
        return new($"{run.RunId}-{name}", rows, CsvBodies.Prices(run.Reference, rows));
    }

    /// <summary>One timed ingest; a service's timing gains its database phases and the wait for its background btree.</summary>
    internal async Task<IngestTiming> IngestAsync(IIngestContender contender, IngestBatch batch, CancellationToken cancellationToken)
    {
        var service = contender is IServiceContender && run.PhasesAvailable;
        if (service)
        {
            await run.Statements.ResetAsync(cancellationToken);
        }

        var timing = await contender.IngestAsync(batch, cancellationToken);
        if (contender is IServiceContender)
        {
            // The silo builds the segment's btree after it answered: wait for it, so that it never
            // runs into the next contender's timing, and show how long after the answer it was done.
            var waited = await BackgroundIndexes.WaitAsync(run.DataSource, cancellationToken);
            timing = timing with { PhasesMs = new Dictionary<string, double>(timing.PhasesMs, StringComparer.Ordinal) { [BackgroundIndexes.Phase] = waited } };
        }

        if (!service)
        {
            return timing;
        }

        var phases = new Dictionary<string, double>(timing.PhasesMs, StringComparer.Ordinal);
        foreach (var (phase, (ms, _)) in await run.Statements.ReadAsync(cancellationToken))
        {
            phases[phase] = ms;
        }

        return timing with { PhasesMs = phases };
    }

    private async Task<RejectProbe> RejectProbeAsync(IngestBatch batch, CancellationToken cancellationToken)
    {
        run.Say.Step($"receive-side probe: {batch.Rows.Length:N0} items + 1 invalid, rejected by the service");
        var body = CsvBodies.Prices(run.Reference, batch.Rows, invalidLast: true);
        var started = Elapsed.Now();
        var (status, answer, _, answeredAt) = await run.Client.PostRawBatchAsync(batch.Id + "-rejected", body, cancellationToken);
        if (status != HttpStatusCode.UnprocessableEntity)
        {
            throw new Contenders.Service.ServiceCallException($"the batch with an invalid last item answered {(int)status}, not 422: {answer}");
        }

        return new(batch.Rows.Length, Elapsed.MillisecondsBetween(started, answeredAt));
    }

    internal async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var checkpoint = run.DataSource.CreateCommand("checkpoint");
            checkpoint.CommandTimeout = 0;
            await checkpoint.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Npgsql.PostgresException)
        {
            // Not allowed for this role: checkpoints then fall where they fall.
        }
    }

    private static IngestResult Summarise(int items, IIngestContender contender, List<IngestTiming> timings) =>
        Summarise(items, contender.Key, contender.Name, timings);

    internal static IngestResult Summarise(int items, string key, string name, List<IngestTiming> timings)
    {
        var totals = timings.Select(t => t.TotalMs).ToArray();
        var samples = Samples.Of(totals);
        var phases = timings.SelectMany(t => t.PhasesMs.Keys).Distinct(StringComparer.Ordinal)
            .ToDictionary(
                phase => phase,
                phase => Samples.Of([.. timings.Select(t => t.PhasesMs.TryGetValue(phase, out var ms) ? ms : double.NaN).Where(ms => !double.IsNaN(ms))]).Median,
                StringComparer.Ordinal);
        return new(items, key, name, samples, totals, items / (samples.Median / 1000), phases, [.. timings.Select(t => t.PhasesMs)]);
    }
}
