using System.Diagnostics;
using System.Globalization;
using System.Net;
using PriceIngest.Bench.Measurement;

namespace PriceIngest.Bench.Hosting;

/// <summary>
/// One run of the real silo executable (<c>dotnet PriceIngest.Silo.dll</c>, built next to the bench)
/// as a child process on a loopback port: its output goes to a log file, and lines about batches
/// are kept with the time they arrived, for the ingest phase breakdown.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _gate = new();
    private readonly List<(long At, string Line)> _batchLines = [];
    private readonly Queue<string> _tail = new();
    private bool _stopped;
    private bool _closed;

    private SiloProcess(Process process, int httpPort, int grpcPort, StreamWriter log, string connectionString)
    {
        _process = process;
        ConnectionString = connectionString;
        HttpPort = httpPort;
        GrpcPort = grpcPort;
        _log = log;
    }

    public int HttpPort { get; }

    /// <summary>The database the process runs over.</summary>
    public string ConnectionString { get; }

    public int GrpcPort { get; }

    /// <summary>Where the silo answers REST and gRPC (h2c) on loopback.</summary>
    public SiloEndpoints Endpoints => new(BaseAddress, new($"http://127.0.0.1:{GrpcPort.ToString(CultureInfo.InvariantCulture)}"));

    public int Pid => _process.Id;

    public Uri BaseAddress => new($"http://127.0.0.1:{HttpPort.ToString(CultureInfo.InvariantCulture)}/");

    public static string Assembly => Path.Combine(AppContext.BaseDirectory, "PriceIngest.Silo.dll");

    /// <summary>The gateway executable, built next to the bench as well.</summary>
    public static string GatewayAssembly => Path.Combine(AppContext.BaseDirectory, "PriceIngest.Gateway.dll");

    /// <summary>
    /// Starts the silo over <paramref name="connectionString"/> (no seed, no local PostgreSQL), with
    /// <paramref name="settings"/> as extra command-line settings, and waits until it is ready.
    /// </summary>
    public static Task<SiloProcess> StartAsync(string connectionString, string logPath, CancellationToken cancellationToken, params string[] settings) =>
        StartAsync(Assembly, ["--no-seed", "--Logging:LogLevel:PriceIngest.Grains.Batches.BatchGrain=Debug", .. settings], connectionString, logPath, cancellationToken);

    /// <summary>Starts a gateway over the silos of <paramref name="connectionString"/> and waits until it is ready (a silo answers).</summary>
    public static Task<SiloProcess> StartGatewayAsync(string connectionString, string logPath, CancellationToken cancellationToken) =>
        StartAsync(GatewayAssembly, [], connectionString, logPath, cancellationToken);

    private static async Task<SiloProcess> StartAsync(string assembly, string[] extra, string connectionString, string logPath, CancellationToken cancellationToken)
    {
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException("The process is not built next to the bench.", assembly);
        }

        var port = FreeTcpPort.Pick();
        var grpcPort = FreeTcpPort.Pick();
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in (string[])[
            assembly, "--connection-string", connectionString, "--http-port", port.ToString(CultureInfo.InvariantCulture),
            "--grpc-port", grpcPort.ToString(CultureInfo.InvariantCulture),
            "--Logging:LogLevel:Microsoft.AspNetCore=Warning",
            "--Logging:Console:FormatterOptions:SingleLine=true", .. extra])
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Remove("ConnectionStrings__Prices");
        info.Environment.Remove("ConnectionStrings:Prices");

        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        await log.WriteLineAsync($"----- {Path.GetFileNameWithoutExtension(assembly)} start on ports {port} (REST) and {grpcPort} (gRPC) at {DateTimeOffset.UtcNow:O}");
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var silo = new SiloProcess(process, port, grpcPort, log, connectionString);
        process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Append(e.Data is null ? null : "[stderr] " + e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException("dotnet did not start");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(90), cancellationToken);
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }

        return silo;
    }

    /// <summary>A gauge of the process's <c>GET /metrics</c> (the first series of that name), or 0 without one.</summary>
    public async Task<double> GaugeAsync(string name, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var text = await http.GetStringAsync(new Uri("metrics", UriKind.Relative), cancellationToken);
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(name + " ", StringComparison.Ordinal) || line.StartsWith(name + "{", StringComparison.Ordinal))
            {
                return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    /// <summary>VmRSS of the silo process in bytes.</summary>
    public long ResidentBytes() => ProcessMemory.ResidentBytes(Pid);

    /// <summary>The first output line about a batch containing <paramref name="text"/> that arrived after <paramref name="since"/>, and when (Stopwatch timestamp).</summary>
    public (long At, string Line)? FindLine(string text, long since)
    {
        lock (_gate)
        {
            foreach (var (at, line) in _batchLines)
            {
                if (at >= since && line.Contains(text, StringComparison.Ordinal))
                {
                    return (at, line);
                }
            }
        }

        return null;
    }

    public string Tail()
    {
        lock (_gate)
        {
            return string.Join('\n', _tail);
        }
    }

    /// <summary>SIGTERM, then a kill if it has not exited within a minute.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        if (!_process.HasExited)
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", Pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
            if (kill is not null)
            {
                await kill.WaitForExitAsync();
            }

            using var wait = new CancellationTokenSource(StopTimeout);
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            _process.Dispose();
            lock (_gate)
            {
                _closed = true;
                _log.Dispose();
            }
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var giveUpAt = Elapsed.Now() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Elapsed.Now() < giveUpAt)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the silo exited with code {_process.ExitCode} before it was ready:\n{Tail()}");
            }

            try
            {
                // Healthy, not Degraded: a silo is Degraded while it warms up its cold-read path,
                // which would otherwise run beside the first measured lookups.
                using var response = await http.GetAsync(new Uri("health/ready", UriKind.Relative), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK && await response.Content.ReadAsStringAsync(cancellationToken) == "Healthy")
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A slow answer during start-up.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        throw new TimeoutException($"the silo was not ready within {timeout.TotalSeconds:0} s:\n{Tail()}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        var at = Elapsed.Now();
        lock (_gate)
        {
            if (line.Contains("Batch ", StringComparison.Ordinal))
            {
                _batchLines.Add((at, line));
            }

            _tail.Enqueue(line);
            if (_tail.Count > 60)
            {
                _tail.Dequeue();
            }

            if (!_closed)
            {
                _log.WriteLine(line);
            }
        }
    }
}
