namespace PriceIngest.Integration.Tests.Telemetry;

/// <summary>Debian's promtool (package prometheus, installed by scripts/install-test-deps.sh).</summary>
public static class Promtool
{
    /// <summary>Runs <c>promtool ARGS</c>; returns its exit code and everything it printed (findings go to either stream).</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string? stdin, params string[] arguments)
    {
        var (exitCode, output, errors) = await ToolProcess.RunAsync("promtool", stdin, null, arguments);
        return (exitCode, output + errors);
    }
}
