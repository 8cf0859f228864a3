using System.Diagnostics;
using System.Globalization;

namespace PriceIngest.Grpc.Tests.Infrastructure;

/// <summary>
/// The python grpcio echo server, running for the lifetime of a test class. It serves until its
/// standard input closes, so it cannot outlive us; disposal also kills it if it lingers.
/// </summary>
public sealed class PythonServerProcess : IAsyncLifetime
{
    private Process? _process;

    public int Port { get; private set; }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    public async Task InitializeAsync()
    {
        var stubs = await PythonGrpc.GetStubsAsync();
        var startInfo = PythonGrpc.StartInfo("interop_server.py", stubs);
        startInfo.RedirectStandardInput = true;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        _process = Process.Start(startInfo) ?? throw new InvalidOperationException("python did not start");
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var line = await _process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null || !line.StartsWith("PORT ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"python grpcio server did not report its port: '{line}'");
        }

        Port = int.Parse(line.AsSpan(5), CultureInfo.InvariantCulture);
    }

    public async Task DisposeAsync()
    {
        if (_process is null)
        {
            return;
        }

        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
    }
}
