using System.Collections.Concurrent;
using System.Globalization;
using PriceIngest.Client;
using PriceIngest.Contracts.V1;

namespace PriceIngest.Integration.Tests.Cluster;

/// <summary>
/// Continuous client load through the gateways: uploads of distinct generated batches and
/// lookups, until stopped. Records every receipt, every failed call and every retry.
/// </summary>
internal sealed class Load(PriceIngestClient client, IReadOnlyList<string> ports, IReadOnlyList<(string Origin, string Destination)> queries) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _workers = [];

    public ConcurrentDictionary<string, (long CommitSeq, List<PriceItem> Items)> Committed { get; } = new();

    public ConcurrentQueue<string> Failures { get; } = new();

    public int Retries;

    public int Lookups;

    /// <summary>
    /// Starts the workers. Each waits <paramref name="pause"/> after each call: on a 2-core machine
    /// workers without a pause take every core, and the processes under test (and the tests
    /// running beside them) start several times slower, while a paused worker still has a call in
    /// flight most of the time.
    /// </summary>
    public void Start(int uploaders, int readers, int itemsPerBatch, TimeSpan pause)
    {
        for (var u = 0; u < uploaders; u++)
        {
            var worker = u;
            _workers.Add(Task.Run(() => UploadLoopAsync(worker, itemsPerBatch, pause)));
        }

        for (var r = 0; r < readers; r++)
        {
            var worker = r;
            _workers.Add(Task.Run(() => ReadLoopAsync(worker, pause)));
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers).WaitAsync(TimeSpan.FromMinutes(2));
    }

    public void Dispose() => _stop.Dispose();

    /// <summary>Retries per client operation (UploadBatch, GetRates, ...).</summary>
    public ConcurrentDictionary<string, int> RetriesByOperation { get; } = new();

    public void OnRetry(RetryNotice notice)
    {
        Interlocked.Increment(ref Retries);
        RetriesByOperation.AddOrUpdate(notice.Operation, 1, (_, n) => n + 1);
    }

    public static List<PriceItem> Batch(int seed, int count, IReadOnlyList<string> ports)
    {
        var random = new Random(seed);
        var items = new List<PriceItem>(count);
        for (var i = 0; i < count; i++)
        {
            var o = random.Next(ports.Count);
            var d = (o + 1 + random.Next(ports.Count - 1)) % ports.Count;
            items.Add(new PriceItem
            {
                Origin = ports[o],
                Destination = ports[d],
                Day = new DateOnly(2016, 1, 1).AddDays(random.Next(366)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Price = 100 + random.Next(4900),
            });
        }

        return items;
    }

    private async Task UploadLoopAsync(int worker, int itemsPerBatch, TimeSpan pause)
    {
        for (var n = 0; !_stop.IsCancellationRequested; n++)
        {
            var id = $"load-{worker}-{n}";
            var items = Batch((worker * 100_000) + n, itemsPerBatch, ports);
            try
            {
                var receipt = await client.UploadAsync(id, _ => items.ToAsyncEnumerable());
                if (receipt.Status != BatchStatus.Committed)
                {
                    Failures.Enqueue($"{id}: {receipt.Status} {receipt.Reason}");
                    continue;
                }

                Committed[id] = (receipt.CommitSeq, items);
            }
            catch (Exception e)
            {
                Failures.Enqueue($"{id}: {e.GetType().Name}: {e.Message}");
            }

            await PauseAsync(pause);
        }
    }

    private async Task ReadLoopAsync(int worker, TimeSpan pause)
    {
        for (var n = 0; !_stop.IsCancellationRequested; n++)
        {
            var (origin, destination) = queries[(worker + n) % queries.Count];
            try
            {
                var reply = await client.GetRatesAsync(origin, destination, new DateOnly(2016, 1, 1), new DateOnly(2016, 12, 31));
                if (reply.Days.Count != 366)
                {
                    Failures.Enqueue($"rates {origin}->{destination}: {reply.Days.Count} days");
                }

                Interlocked.Increment(ref Lookups);
            }
            catch (Exception e)
            {
                Failures.Enqueue($"rates {origin}->{destination}: {e.GetType().Name}: {e.Message}");
            }

            await PauseAsync(pause);
        }
    }

    private async Task PauseAsync(TimeSpan pause)
    {
        try
        {
            await Task.Delay(pause, _stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopped: the loop ends at its next check.
        }
    }
}
