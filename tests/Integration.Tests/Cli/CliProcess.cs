using System.Diagnostics;

namespace PriceIngest.Integration.Tests.Cli;

/// <summary>
/// Runs the real <c>priceingest</c> program (src/Cli, built with the solution in the same
/// configuration as these tests) as <c>dotnet priceingest.dll ARGS</c>.
/// </summary>
internal static class CliProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    public static Task<Result> RunAsync(string? stdin, params string[] args) => ExecAsync("dotnet", stdin, [Dll(), .. args]);

    /// <summary>Runs the CLI with <paramref name="environment"/> added to (or, for null values, removed from) its environment.</summary>
    public static Task<Result> RunWithEnvironmentAsync(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        ExecAsync("dotnet", null, environment, [Dll(), .. args]);

    /// <summary>Runs any program the same way (2 minutes at most; killed beyond).</summary>
    public static Task<Result> ExecAsync(string program, string? stdin, params string[] args) =>
        ExecAsync(program, stdin, new Dictionary<string, string?>(), args);

    private static async Task<Result> ExecAsync(string program, string? stdin, IReadOnlyDictionary<string, string?> environment, string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("PRICEINGEST_SERVER");
        start.Environment.Remove("PRICEINGEST_API_KEY");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"priceingest {string.Join(' ', args)} did not finish in 2 minutes");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The repository's root folder (where PriceIngest.sln is).</summary>
    public static string RepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "PriceIngest.sln")))
        {
            root = root.Parent;
        }

        return root?.FullName ?? throw new DirectoryNotFoundException("PriceIngest.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The build configuration these tests were built in (Release, Debug).</summary>
    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    private static string Dll()
    {
        // tests/Integration.Tests/bin/<Configuration>/net10.0/ -> src/Cli/bin/<Configuration>/net10.0/priceingest.dll
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;
        var dll = Path.Combine(RepositoryRoot(), "src", "Cli", "bin", Configuration, framework, "priceingest.dll");
        return File.Exists(dll)
            ? dll
            : throw new FileNotFoundException($"{dll} is missing: build the solution (dotnet build PriceIngest.sln -c {Configuration}) first.");
    }
}
