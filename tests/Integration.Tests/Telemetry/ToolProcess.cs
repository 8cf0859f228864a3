using System.Diagnostics;

namespace PriceIngest.Integration.Tests.Telemetry;

/// <summary>Runs a command-line tool the tests check our files with (promtool, docker-compose, python3).</summary>
public static class ToolProcess
{
    /// <summary>Runs <paramref name="program"/> with <paramref name="stdin"/>; returns its exit code, its stdout and its stderr.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string program, string? stdin, string? workingDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory ?? string.Empty,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
