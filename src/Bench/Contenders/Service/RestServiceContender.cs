using PriceIngest.Bench.Data;
using PriceIngest.Bench.Hosting;
using PriceIngest.Bench.Measurement;

namespace PriceIngest.Bench.Contenders.Service;

/// <summary>
/// (c) the service end to end over REST: a batch is streamed as CSV from memory to POST /batches,
/// validated and committed, and the clock stops when a GET /rates on one of the batch's lanes with
/// <c>min_commit_seq</c> = the receipt's sequence answers and counts the batch's prices. Lookups are GET /rates.
/// A <paramref name="variant"/> (e.g. telemetry off) names a silo that runs with other settings.
/// </summary>
public sealed class RestServiceContender(RestServiceClient client, SiloHost silo, ReferenceData reference, string variant = "") : IServiceContender
{
    public string Key => "c_rest" + variant.Replace(", ", "_", StringComparison.Ordinal).Replace(' ', '_');

    public string Name => "(c) service, REST" + variant;

    public string Transport => "REST";

    public void Connect(SiloEndpoints endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        client.Connect(endpoints.Rest);
    }

    public Task<RateDay[]> LookupAsync(LookupQuery query, CancellationToken cancellationToken) =>
        client.GetRatesAsync(query, null, cancellationToken);

    public async Task<IngestTiming> IngestAsync(IngestBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var probe = batch.Rows[0];
        var expected = batch.Rows.Count(r => r.Origin == probe.Origin && r.Destination == probe.Destination && r.Day == probe.Day);
        var query = new LookupQuery(LookupKind.PortToPortMonth, reference.Code(probe.Origin), reference.Code(probe.Destination), probe.Day, probe.Day);

        var started = Elapsed.Now();
        var receipt = await client.PostBatchAsync(batch.Id, batch.Csv, cancellationToken);
        var days = await client.GetRatesAsync(query, receipt.CommitSeq, cancellationToken);
        var visible = Elapsed.Now();

        if (receipt.Items != batch.Rows.Length)
        {
            throw new ServiceCallException($"batch {batch.Id}: the receipt counts {receipt.Items} items, {batch.Rows.Length} were sent");
        }

        if (days.Length != 1 || days[0].Count < expected)
        {
            throw new ServiceCallException($"batch {batch.Id}: {query} with min_commit_seq={receipt.CommitSeq} counts {(days.Length == 1 ? days[0].Count : -1)} prices, the batch alone has {expected}");
        }

        var phases = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["client: send body"] = Elapsed.MillisecondsBetween(started, receipt.BodySentAt),
            ["client: body sent -> receipt"] = Elapsed.MillisecondsBetween(receipt.BodySentAt, receipt.AnsweredAt),
            ["client: receipt -> lookup sees it"] = Elapsed.MillisecondsBetween(receipt.AnsweredAt, visible),
        };
        await SiloCommitPhases.AddAsync(silo, batch.Id, started, receipt.AnsweredAt, phases, cancellationToken);
        return new(Elapsed.MillisecondsBetween(started, visible), phases);
    }
}
