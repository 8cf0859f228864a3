using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PriceIngest.Integration.Tests.Support;

/// <summary>
/// The real silo executable (<c>dotnet PriceIngest.Silo.dll</c>, built next to the test assembly) as a
/// child process: stdout and stderr captured, every wait bounded, and on dispose nothing left running
/// (the silo's process tree, and any PostgreSQL server of its local-mode data folder).
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly long _startedAt;
    private bool _disposed;

    private SiloProcess(Process process, int httpPort, string? dataDirectory)
    {
        _process = process;
        HttpPort = httpPort;
        DataDirectory = dataDirectory;
        _startedAt = Stopwatch.GetTimestamp();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>The silo's REST port on 127.0.0.1.</summary>
    public int HttpPort { get; }

    /// <summary>The <c>--data-dir</c> given, as a full path (or <c>null</c>).</summary>
    public string? DataDirectory { get; }

    /// <summary>A client for the silo's REST API.</summary>
    public HttpClient Http { get; }

    public int Pid => _process.Id;

    /// <summary>Everything the silo wrote so far (stderr lines prefixed with "[stderr] ").</summary>
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

    /// <summary>The last lines of <see cref="Output"/>, for assertion messages.</summary>
    public string OutputTail(int lines = 80)
    {
        var all = Output.Split('\n');
        return $"--- silo pid {Pid}, last {Math.Min(lines, all.Length)} lines of output ---\n" + string.Join('\n', all.TakeLast(lines));
    }

    /// <summary>The path of the silo executable built next to the test assembly.</summary>
    public static string SiloAssembly => Path.Combine(AppContext.BaseDirectory, "PriceIngest.Silo.dll");

    /// <summary>
    /// Starts <c>dotnet PriceIngest.Silo.dll --http-port P [--data-dir D] arguments...</c> in
    /// <paramref name="workingDirectory"/>, with no connection string in its environment.
    /// </summary>
    public static SiloProcess Start(int httpPort, string workingDirectory, string? dataDirectory, params string[] arguments) =>
        Start(SiloAssembly, httpPort, workingDirectory, dataDirectory, arguments);

    /// <summary>The path of the gateway executable built next to the test assembly.</summary>
    public static string GatewayAssembly => Path.Combine(AppContext.BaseDirectory, "PriceIngest.Gateway.dll");

    /// <summary>Starts <c>dotnet PriceIngest.Gateway.dll --http-port P arguments...</c> (same contract as a silo).</summary>
    public static SiloProcess StartGateway(int httpPort, string workingDirectory, params string[] arguments) =>
        Start(GatewayAssembly, httpPort, workingDirectory, null, arguments);

    /// <summary>SIGKILL: no drain, no clean-up; PostgreSQL rolls back whatever the process had open.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(wait.Token);
    }

    public bool HasExited => _process.HasExited;

    private static SiloProcess Start(string assembly, int httpPort, string workingDirectory, string? dataDirectory, string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException("The executable is not built next to the tests.", assembly);
        }

        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
        };
        info.ArgumentList.Add(assembly);
        info.ArgumentList.Add("--http-port");
        info.ArgumentList.Add(httpPort.ToString(CultureInfo.InvariantCulture));
        string? fullDataDirectory = null;
        if (dataDirectory is not null)
        {
            fullDataDirectory = Path.GetFullPath(dataDirectory);
            info.ArgumentList.Add("--data-dir");
            info.ArgumentList.Add(fullDataDirectory);
        }

        // Request logging would drown the interesting lines.
        info.ArgumentList.Add("--Logging:LogLevel:Microsoft.AspNetCore=Warning");
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Whatever the test runner's environment holds, the silo decides local mode from its arguments alone.
        info.Environment.Remove("ConnectionStrings__Prices");
        info.Environment.Remove("ConnectionStrings:Prices");

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var silo = new SiloProcess(process, httpPort, fullDataDirectory);
        process.OutputDataReceived += (_, e) => silo.Append(e.Data, null);
        process.ErrorDataReceived += (_, e) => silo.Append(e.Data, "[stderr] ");
        if (!process.Start())
        {
            throw new InvalidOperationException("dotnet did not start.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>Polls GET /health/ready until it answers 200; returns the time since the process started.</summary>
    public async Task<TimeSpan> WaitUntilReadyAsync(TimeSpan timeout)
    {
        var giveUpAt = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        HttpStatusCode? lastStatus = null;
        string? lastError = null;
        while (Stopwatch.GetTimestamp() < giveUpAt)
        {
            if (_process.HasExited)
            {
                Assert.Fail($"The silo exited with code {ExitCodeAfterExit()} before it was ready.\n{OutputTail()}");
            }

            try
            {
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                using var response = await Http.GetAsync(new Uri("/health/ready", UriKind.Relative), attempt.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return Stopwatch.GetElapsedTime(_startedAt);
                }

                lastStatus = response.StatusCode;
            }
            catch (HttpRequestException e)
            {
                lastError = e.Message; // not listening yet
            }
            catch (TaskCanceledException e)
            {
                lastError = e.Message;
            }

            await Task.Delay(PollInterval);
        }

        Assert.Fail($"The silo was not ready within {timeout.TotalSeconds:0} s (last status {lastStatus?.ToString() ?? "none"}, last error {lastError ?? "none"}).\n{OutputTail()}");
        return default;
    }

    /// <summary>Waits until the output contains <paramref name="text"/>.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var giveUpAt = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (Stopwatch.GetTimestamp() >= giveUpAt)
            {
                Assert.Fail($"The silo did not print \"{text}\" within {timeout.TotalSeconds:0} s.\n{OutputTail()}");
            }

            await Task.Delay(PollInterval);
        }
    }

    /// <summary>
    /// Sends SIGTERM (<c>kill -TERM pid</c>) and waits for the process to exit; returns its exit code
    /// and the time from the signal to the exit. Fails when it does not exit within <paramref name="timeout"/>.
    /// </summary>
    public async Task<(int ExitCode, TimeSpan Elapsed)> StopWithSigtermAsync(TimeSpan timeout)
    {
        Assert.False(_process.HasExited, $"The silo exited (code {(_process.HasExited ? ExitCodeAfterExit() : 0)}) before it was asked to stop.\n{OutputTail()}");
        var signalledAt = Stopwatch.GetTimestamp();
        await SendSignalAsync("-TERM", Pid);
        using var wait = new CancellationTokenSource(timeout);
        while (!_process.HasExited)
        {
            if (wait.IsCancellationRequested)
            {
                Assert.Fail($"The silo did not exit within {timeout.TotalSeconds:0} s of SIGTERM.\n{OutputTail()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }

        var elapsed = Stopwatch.GetElapsedTime(signalledAt);
        return (ExitCodeAfterExit(), elapsed);
    }

    /// <summary>Waits for a process that should end by itself (a refused start); returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The process did not exit within {timeout.TotalSeconds:0} s.\n{OutputTail()}");
        }

        // The asynchronous output readers finish after the exit.
        await Task.Delay(100);
        return ExitCodeAfterExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await _process.WaitForExitAsync(wait.Token);
                }
                catch (OperationCanceledException)
                {
                    // Reported through the leftover check below, which is what matters.
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        finally
        {
            if (DataDirectory is not null)
            {
                await LocalPostgresProcesses.StopLeftoverAsync(DataDirectory);
            }

            _process.Dispose();
        }
    }

    /// <summary>The exit code, once the redirected output has been read to its end (bounded).</summary>
    private int ExitCodeAfterExit()
    {
        // With redirected output, WaitForExit(timeout) also waits for the end of both streams.
        _process.WaitForExit(DrainTimeout);
        return _process.ExitCode;
    }

    private void Append(string? line, string? prefix)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Append(prefix).Append(line).Append('\n');
        }
    }

    internal static async Task SendSignalAsync(string signal, int pid)
    {
        var result = await RunAsync("kill", [signal, pid.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {pid} failed: {result.Output}");
        }
    }

    /// <summary>Runs a short helper program with a time limit; returns its exit code and output.</summary>
    internal static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(fileName) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds:0} s.");
        }

        return (process.ExitCode, (await stdout) + (await stderr));
    }

    /// <summary>
    /// A TCP port on 127.0.0.1 that is free right now, below Linux's ephemeral range (32768 and up):
    /// a process restarted on its old port must find it free, and in the ephemeral range any outgoing
    /// connection of any process (a PostgreSQL or Orleans connection) can take it in between.
    /// </summary>
    public static int FreeLoopbackPort()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(LowestPort, EphemeralPorts);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                listener.Stop();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }

        throw new InvalidOperationException($"no free port on 127.0.0.1 between {LowestPort} and {EphemeralPorts}");
    }

    private const int LowestPort = 20_000;

    private const int EphemeralPorts = 32_768;
}

/// <summary>Finds, and as a last resort stops, PostgreSQL processes of one local-mode data folder.</summary>
public static class LocalPostgresProcesses
{
    /// <summary>
    /// Live processes (other than this one) whose command line mentions <paramref name="dataDirectory"/>
    /// or whose working directory is inside it: a postmaster (<c>postgres -D dir</c>) and its children,
    /// which all run with the data folder as working directory.
    /// </summary>
    public static IReadOnlyList<string> Find(string dataDirectory, int? exceptPid = null)
    {
        var folder = Path.GetFullPath(dataDirectory).TrimEnd('/');
        var found = new List<string>();
        if (!Directory.Exists("/proc/self"))
        {
            return found;
        }

        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId || pid == exceptPid)
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(entry, "cmdline")).Replace('\0', ' ').Trim();
                var workingDirectory = new DirectoryInfo(Path.Combine(entry, "cwd")).LinkTarget;
                if (commandLine.Contains(folder, StringComparison.Ordinal)
                    || (workingDirectory is not null && (workingDirectory == folder || workingDirectory.StartsWith(folder + "/", StringComparison.Ordinal))))
                {
                    found.Add($"{pid}: {(commandLine.Length > 0 ? commandLine : "?")} (cwd {workingDirectory})");
                }
            }
            catch (IOException)
            {
                // Gone meanwhile, or a zombie.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours to see.
            }
        }

        return found;
    }

    /// <summary>
    /// Last resort after a test: when a postmaster still runs on <paramref name="dataDirectory"/>, stop it
    /// with <c>pg_ctl stop -m immediate</c> (from <c>pg_config --bindir</c>; through <c>runuser -u
    /// postgres --</c> when root). Never throws; returns what it did, for diagnostics.
    /// </summary>
    public static async Task<string?> StopLeftoverAsync(string dataDirectory)
    {
        try
        {
            var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
            if (!File.Exists(pidFile) && Find(dataDirectory).Count == 0)
            {
                return null;
            }

            var (code, bin) = await SiloProcess.RunAsync("pg_config", ["--bindir"], TimeSpan.FromSeconds(10));
            var pgCtl = Path.Combine(code == 0 ? bin.Trim() : "/usr/lib/postgresql/15/bin", "pg_ctl");
            List<string> stop = [pgCtl, "stop", "-D", dataDirectory, "-m", "immediate", "-w", "-t", "30"];
            var result = IsRoot()
                ? await SiloProcess.RunAsync("runuser", ["-u", "postgres", "--", .. stop], TimeSpan.FromSeconds(45))
                : await SiloProcess.RunAsync(stop[0], stop[1..], TimeSpan.FromSeconds(45));
            return $"pg_ctl stop exited with {result.ExitCode}: {result.Output}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TimeoutException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return $"could not stop the leftover server: {e.Message}";
        }
    }

    private static bool IsRoot()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            var fields = line?.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            return fields is { Length: > 2 } && fields[2] == "0";
        }
        catch (IOException)
        {
            return string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
        }
    }
}
