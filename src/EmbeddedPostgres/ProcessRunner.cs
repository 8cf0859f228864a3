using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace PriceIngest.EmbeddedPostgres;

/// <summary>
/// Runs a short-lived child process (initdb, pg_ctl, chown, ...) with stdin closed (after the
/// command's <see cref="ProcessCommand.StandardInput"/>, if any), stdout and stderr
/// captured (never inherited from the caller's console) and a hard time limit after which the
/// process tree is killed.
/// </summary>
internal static class ProcessRunner
{
    /// <summary>How long to wait for the output pipes to close once the process has exited.</summary>
    private static readonly TimeSpan OutputDrainTimeout = TimeSpan.FromSeconds(5);

    public static async Task<ProcessResult> RunAsync(ProcessCommand command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(command.FileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            // The caller's directory may be unreadable for the server account (e.g. /root).
            WorkingDirectory = "/",
        };
        foreach (var argument in command.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // PGDATA, PGPORT, PGOPTIONS, ... of the caller must not leak into our cluster.
        foreach (var name in startInfo.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
        {
            startInfo.Environment.Remove(name);
        }

        startInfo.Environment["LC_ALL"] = "C";

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new PostgresServerException($"Could not run {command.Name} ({command.FileName}): {e.Message}", e);
        }

        if (command.StandardInput is { } input)
        {
            await process.StandardInput.WriteAsync(input.AsMemory(), cancellationToken);
        }

        process.StandardInput.Close();
        var standardOutput = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var standardError = process.StandardError.ReadToEndAsync(CancellationToken.None);

        using (var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            limit.CancelAfter(timeout);
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                KillTree(process);
                cancellationToken.ThrowIfCancellationRequested();
                throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"{command.Name} did not finish within {timeout.TotalSeconds:0.0#} s and was killed."));
            }
        }

        string output;
        string error;
        try
        {
            await Task.WhenAll(standardOutput, standardError).WaitAsync(OutputDrainTimeout, cancellationToken);
            output = standardOutput.Result;
            error = standardError.Result;
        }
        catch (TimeoutException)
        {
            // A grandchild inherited the pipes; the exit code is all we get.
            output = string.Empty;
            error = "(output not captured: a child process kept the output pipe open)";
        }

        return new ProcessResult(command.Name, process.ExitCode, output, error);
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(5));
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (Win32Exception)
        {
            // Not ours to kill any more (exited and reaped); nothing left to do.
        }
    }
}
