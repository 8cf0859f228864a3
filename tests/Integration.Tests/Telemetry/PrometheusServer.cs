using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;

namespace PriceIngest.Integration.Tests.Telemetry;

/// <summary>
/// Debian's prometheus on a free loopback port, over a throwaway folder holding its configuration and
/// its database; killed (and the folder deleted) on dispose.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;
    private readonly System.Text.StringBuilder _output = new();

    private PrometheusServer(Process process, string folder, int port)
    {
        _process = process;
        _folder = folder;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public HttpClient Http { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts prometheus with <paramref name="configuration"/> (prometheus.yml) and these files beside it.</summary>
    public static async Task<PrometheusServer> StartAsync(string configuration, IReadOnlyDictionary<string, string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var folder = Directory.CreateTempSubdirectory("priceingest-prometheus-").FullName;
        File.WriteAllText(Path.Combine(folder, "prometheus.yml"), configuration);
        foreach (var (name, text) in files)
        {
            File.WriteAllText(Path.Combine(folder, name), text);
        }

        var port = FreePort();
        var info = new ProcessStartInfo("prometheus")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add($"--config.file={Path.Combine(folder, "prometheus.yml")}");
        info.ArgumentList.Add($"--storage.tsdb.path={Path.Combine(folder, "data")}");
        info.ArgumentList.Add($"--web.listen-address=127.0.0.1:{port}");
        var process = Process.Start(info) ?? throw new InvalidOperationException("prometheus did not start");
        var server = new PrometheusServer(process, folder, port);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var giveUp = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(process.HasExited, $"prometheus exited:\n{server.Output}");
            try
            {
                if ((await server.Http.GetAsync(new Uri("-/ready", UriKind.Relative))).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.True(giveUp.Elapsed < TimeSpan.FromSeconds(60), $"prometheus was not ready within 60 s:\n{server.Output}");
            await Task.Delay(200);
        }
    }

    /// <summary>The result vector of an instant query: each series' labels and value.</summary>
    public async Task<List<(Dictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        using var response = await Http.GetAsync(new Uri($"api/v1/query?query={Uri.EscapeDataString(promql)}", UriKind.Relative));
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("success", json.RootElement.GetProperty("status").GetString());
        return [.. json.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(series => (
            series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty),
            double.Parse(series.GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture)))];
    }

    /// <summary>Whether Prometheus accepts <paramref name="promql"/> as an instant query, and its error if not.</summary>
    public async Task<(bool Ok, string? Error)> TryQueryAsync(string promql)
    {
        using var response = await Http.GetAsync(new Uri($"api/v1/query?query={Uri.EscapeDataString(promql)}", UriKind.Relative));
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var ok = json.RootElement.GetProperty("status").GetString() == "success";
        return (ok, ok ? null : json.RootElement.GetProperty("error").GetString());
    }

    /// <summary>Every metric name Prometheus holds (GET /api/v1/label/__name__/values): what its scrapes found, and <c>up</c>.</summary>
    public async Task<List<string>> MetricNamesAsync()
    {
        var json = JsonDocument.Parse(await Http.GetStringAsync(new Uri("api/v1/label/__name__/values", UriKind.Relative)));
        return [.. json.RootElement.GetProperty("data").EnumerateArray().Select(name => name.GetString()!)];
    }

    /// <summary>Every loaded alerting rule's name (GET /api/v1/rules).</summary>
    public async Task<List<string>> AlertRuleNamesAsync()
    {
        var json = JsonDocument.Parse(await Http.GetStringAsync(new Uri("api/v1/rules?type=alert", UriKind.Relative)));
        return [.. json.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
            .SelectMany(g => g.GetProperty("rules").EnumerateArray()).Select(r => r.GetProperty("name").GetString()!)];
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
