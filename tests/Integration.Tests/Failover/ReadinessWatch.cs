using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ClusterProcesses = PriceIngest.Integration.Tests.Cluster.Cluster;

namespace PriceIngest.Integration.Tests.Failover;

/// <summary>
/// Polls each silo's <c>/health/ready</c> every 250 ms and keeps every change of its answer, timed
/// from <c>since</c>: what a load balancer would have seen during a failover.
/// </summary>
internal sealed class ReadinessWatch : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<(int Silo, TimeSpan At, string Answer)> _changes = new();
    private readonly string?[] _last;
    private readonly Task _polling;

    private ReadinessWatch(IReadOnlyList<ClusterProcesses.Node> silos, long since)
    {
        _last = new string?[silos.Count];
        _polling = Task.WhenAll(silos.Select((silo, i) => Task.Run(() => PollAsync(i, silo.HttpPort, since))));
    }

    public static ReadinessWatch Start(IReadOnlyList<ClusterProcesses.Node> silos, long since) => new(silos, since);

    public bool Saw(string answer) => _changes.Any(c => c.Answer == answer);

    public string? Last(int silo) => _last[silo];

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _polling;
    }

    public void Dispose() => _stop.Dispose();

    public override string ToString() => string.Join(", ", _changes.Select(c =>
        string.Create(CultureInfo.InvariantCulture, $"silo{c.Silo + 1} {c.Answer} at {c.At.TotalSeconds:0.0} s")));

    private async Task PollAsync(int silo, int httpPort, long since)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}/"), Timeout = TimeSpan.FromSeconds(3) };
        while (!_stop.IsCancellationRequested)
        {
            string answer;
            try
            {
                using var response = await http.GetAsync(new Uri("health/ready", UriKind.Relative), _stop.Token);
                answer = await response.Content.ReadAsStringAsync(_stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                answer = "no answer (" + e.GetType().Name + ")";
            }

            if (answer != _last[silo])
            {
                _last[silo] = answer;
                _changes.Enqueue((silo, Stopwatch.GetElapsedTime(since), answer));
            }

            try
            {
                await Task.Delay(250, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
