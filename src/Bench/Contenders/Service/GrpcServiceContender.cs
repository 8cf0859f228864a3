using System.Globalization;
using System.Runtime.CompilerServices;
using PriceIngest.Bench.Data;
using PriceIngest.Bench.Hosting;
using PriceIngest.Bench.Measurement;
using PriceIngest.Client;
using PriceIngest.Contracts.V1;

namespace PriceIngest.Bench.Contenders.Service;

/// <summary>
/// (c) the service end to end over gRPC, through the service's own client (src/Client): a batch is
/// a client stream (UploadBatch: a header, then messages of 8,192 items, built in memory before the
/// clock starts), and the clock stops when GetRates on one of the batch's lanes with
/// <c>min_commit_seq</c> = the receipt's sequence answers and counts the batch's prices. Lookups are
/// GetRates. No retries (one attempt), no gzip.
/// </summary>
public sealed class GrpcServiceContender(SiloHost silo, ReferenceData reference) : IServiceContender, IDisposable
{
    private PriceIngestClient? _client;

    public string Key => "c_grpc";

    public string Name => "(c) service, gRPC";

    public string Transport => "gRPC";

    private PriceIngestClient Client => _client ?? throw new InvalidOperationException("not connected to a silo");

    public void Connect(SiloEndpoints endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        _client?.Dispose();
        _client = new PriceIngestClient(endpoints.Grpc, new PriceIngestClientOptions
        {
            MaxAttempts = 1,
            CallTimeout = TimeSpan.FromMinutes(2),
            UploadTimeout = TimeSpan.FromMinutes(15),
            Source = "priceingest-bench",
        });
    }

    public async Task<RateDay[]> LookupAsync(LookupQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var reply = await Client.GetRatesAsync(query.Origin, query.Destination, query.From, query.To, cancellationToken: cancellationToken);
        return Days(reply);
    }

    public async Task<IngestTiming> IngestAsync(IngestBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var items = batch.Rows.Select(r => new PriceItem
        {
            Origin = reference.Code(r.Origin),
            Destination = reference.Code(r.Destination),
            Day = r.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Price = r.Price,
            Currency = batch.Currency ?? "",
        }).ToArray();
        var probe = batch.Rows[0];
        var expected = batch.Rows.Count(r => r.Origin == probe.Origin && r.Destination == probe.Destination && r.Day == probe.Day);

        // Building the items allocates a million objects and strings in this process: collect now,
        // or the collection they cause runs during the upload, on a core the silo and PostgreSQL share.
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();

        var started = Elapsed.Now();
        var receipt = await Client.UploadAsync(batch.Id, token => Stream(items, token), cancellationToken: cancellationToken);
        var answeredAt = Elapsed.Now();
        if (receipt.Status != BatchStatus.Committed)
        {
            throw new ServiceCallException($"batch {batch.Id} over gRPC was not committed: {receipt.Status} {receipt.Reason}");
        }

        var reply = await Client.GetRatesAsync(reference.Code(probe.Origin), reference.Code(probe.Destination), probe.Day, probe.Day, receipt.CommitSeq, cancellationToken: cancellationToken);
        var visible = Elapsed.Now();
        if (receipt.Items != batch.Rows.Length || reply.Days.Count != 1 || reply.Days[0].Count < expected)
        {
            throw new ServiceCallException($"batch {batch.Id} over gRPC: receipt counts {receipt.Items} of {batch.Rows.Length} items; the lookup with min_commit_seq counts {(reply.Days.Count == 1 ? reply.Days[0].Count : -1)} prices, the batch alone has {expected}");
        }

        var phases = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["client: stream -> receipt"] = Elapsed.MillisecondsBetween(started, answeredAt),
            ["client: receipt -> lookup sees it"] = Elapsed.MillisecondsBetween(answeredAt, visible),
        };
        await SiloCommitPhases.AddAsync(silo, batch.Id, started, answeredAt, phases, cancellationToken);
        return new(Elapsed.MillisecondsBetween(started, visible), phases);
    }

    public void Dispose() => _client?.Dispose();

    private static RateDay[] Days(RatesReply reply)
    {
        var days = new RateDay[reply.Days.Count];
        for (var i = 0; i < days.Length; i++)
        {
            var day = reply.Days[i];
            days[i] = new(IsoDay.Parse(day.Day), day.HasAveragePrice ? day.AveragePrice : null, day.Count);
        }

        return days;
    }

    private static async IAsyncEnumerable<PriceItem> Stream(PriceItem[] items, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var item in items)
        {
            yield return item;
        }

        await Task.CompletedTask;
        cancellationToken.ThrowIfCancellationRequested();
    }
}
