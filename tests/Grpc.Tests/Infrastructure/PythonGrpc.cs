using System.Diagnostics;
using System.Text.Json;

namespace PriceIngest.Grpc.Tests.Infrastructure;

/// <summary>
/// Debian's python3-grpcio: an independent gRPC implementation (C core) that our hosting of
/// Grpc.AspNetCore, and Grpc.Net.Client, must interoperate with. Always /usr/bin/python3: another python3 may come first on PATH.
/// </summary>
public static class PythonGrpc
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<Task<string>> Stubs = new(GenerateStubsAsync);

    public static string ScriptsDirectory => Path.Combine(AppContext.BaseDirectory, "Interop");

    /// <summary>The folder with python stubs generated from our .proto files (once per test run).</summary>
    public static Task<string> GetStubsAsync() => Stubs.Value;

    public static ProcessStartInfo StartInfo(string script, string stubs, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(Python) { WorkingDirectory = ScriptsDirectory };
        startInfo.ArgumentList.Add("-u");
        startInfo.ArgumentList.Add(Path.Combine(ScriptsDirectory, script));
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["PYTHONPATH"] = stubs + Path.PathSeparator + ScriptsDirectory;
        startInfo.Environment["PRICEINGEST_PY_STUBS"] = stubs;
        startInfo.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        return startInfo;
    }

    /// <summary>Runs a client scenario against 127.0.0.1:port; returns its JSON result, or fails the test.</summary>
    public static async Task<JsonElement> RunClientAsync(int port, string scenario, TimeSpan timeout, params string[] arguments)
    {
        var stubs = await GetStubsAsync();
        var result = await ProcessRunner.RunAsync(
            StartInfo("interop_client.py", stubs, [port.ToString(System.Globalization.CultureInfo.InvariantCulture), scenario, .. arguments]), timeout);
        var line = result.Stdout.Split('\n').FirstOrDefault(l => l.StartsWith("OK ", StringComparison.Ordinal));
        if (result.ExitCode != 0 || line is null)
        {
            Assert.Fail($"python grpcio scenario '{scenario}' failed: {result}");
        }

        return JsonDocument.Parse(line[3..]).RootElement.Clone();
    }

    private static async Task<string> GenerateStubsAsync()
    {
        var check = await ProcessRunner.RunAsync(new ProcessStartInfo(Python, ["-c", "import grpc, grpc_tools"]), TimeSpan.FromSeconds(30));
        if (check.ExitCode != 0)
        {
            throw new InvalidOperationException(
                "Debian's python gRPC is missing: run 'apt-get install -y python3-grpcio python3-grpc-tools' " +
                $"(.ci/run does). {Python} said: {check.Stderr}");
        }

        var stubs = Directory.CreateTempSubdirectory("priceingest-grpc-py-").FullName;
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
        var generate = await ProcessRunner.RunAsync(
            StartInfo("gen_stubs.py", stubs, Path.Combine(AppContext.BaseDirectory, "protos"), stubs), TimeSpan.FromSeconds(60));
        if (generate.ExitCode != 0)
        {
            throw new InvalidOperationException($"Generating python stubs failed: {generate}");
        }

        return stubs;
    }
}
