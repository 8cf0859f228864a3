using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PriceIngest.Integration.Tests.Grpc;

/// <summary>
/// Debian's python3-grpcio (a real gRPC implementation, C core) as a client of the silo, with stubs
/// generated from protos/priceingest/v1 once per test run. Always /usr/bin/python3: the packages
/// install into Debian's python, and another python3 may come first on PATH.
/// </summary>
public static class PythonGrpcClient
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<Task<string>> Stubs = new(GenerateStubsAsync);

    private static string ScriptsDirectory => Path.Combine(AppContext.BaseDirectory, "Grpc", "Interop");

    /// <summary>Runs a scenario of priceingest_client.py against 127.0.0.1:port; returns its JSON result, or fails the test.</summary>
    public static async Task<JsonElement> RunAsync(int port, string scenario, TimeSpan timeout, params string[] arguments)
    {
        var stubs = await Stubs.Value;
        var (exitCode, stdout, stderr) = await RunProcessAsync(
            StartInfo("priceingest_client.py", stubs, [port.ToString(CultureInfo.InvariantCulture), scenario, .. arguments]), timeout);
        var line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith("OK ", StringComparison.Ordinal));
        if (exitCode != 0 || line is null)
        {
            Assert.Fail($"python grpcio scenario '{scenario}' failed (exit {exitCode}):\n{stdout}\n{stderr}");
        }

        return JsonDocument.Parse(line[3..]).RootElement.Clone();
    }

    private static ProcessStartInfo StartInfo(string script, string stubs, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(Python) { WorkingDirectory = ScriptsDirectory };
        startInfo.ArgumentList.Add("-u");
        startInfo.ArgumentList.Add(Path.Combine(ScriptsDirectory, script));
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["PYTHONPATH"] = stubs;
        startInfo.Environment["PRICEINGEST_PY_STUBS"] = stubs;
        startInfo.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        return startInfo;
    }

    private static async Task<string> GenerateStubsAsync()
    {
        var check = await RunProcessAsync(new ProcessStartInfo(Python, ["-c", "import grpc, grpc_tools"]), TimeSpan.FromSeconds(30));
        if (check.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"Debian's python gRPC is missing: run 'apt-get install -y python3-grpcio python3-grpc-tools'. {Python} said: {check.Stderr}");
        }

        var stubs = Directory.CreateTempSubdirectory("priceingest-api-py-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(stubs, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a temp folder left behind is harmless.
            }
        };
        var generate = await RunProcessAsync(
            StartInfo("gen_stubs.py", stubs, Path.Combine(AppContext.BaseDirectory, "protos"), stubs), TimeSpan.FromSeconds(60));
        return generate.ExitCode == 0 ? stubs : throw new InvalidOperationException($"Generating python stubs failed:\n{generate.Stdout}\n{generate.Stderr}");
    }

    /// <summary>Runs a process to its end within <paramref name="timeout"/>; on overrun its tree is killed and the test fails.</summary>
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunProcessAsync(ProcessStartInfo startInfo, TimeSpan timeout)
    {
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.RedirectStandardInput = true;
        startInfo.UseShellExecute = false;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"{startInfo.FileName} {string.Join(' ', startInfo.ArgumentList)} did not finish within {timeout}.\n{stdout}\n{stderr}");
        }

        process.WaitForExit();
        lock (stdout)
        {
            lock (stderr)
            {
                return (process.ExitCode, stdout.ToString(), stderr.ToString());
            }
        }
    }
}
