namespace PriceIngest.Integration.Tests.Cli;

/// <summary>The CLI as users install it: packed as a .NET tool from the repository, installed, run as <c>priceingest</c>.</summary>
public sealed class CliToolTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("priceingest-tool-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Cli_packs_as_a_dotnet_tool_that_installs_and_runs_as_priceingest()
    {
        var packages = Path.Combine(_folder, "packages");
        var tools = Path.Combine(_folder, "tools");

        // As the README's install line, on the build these tests already made (no second build).
        var pack = await CliProcess.ExecAsync("dotnet", null, "pack", Path.Combine(CliProcess.RepositoryRoot(), "src", "Cli"),
            "-c", CliProcess.Configuration, "--no-build", "-o", packages);
        Assert.True(pack.ExitCode == 0, pack.ToString());
        var install = await CliProcess.ExecAsync("dotnet", null, "tool", "install", "PriceIngest.Cli", "--tool-path", tools, "--add-source", packages);
        Assert.True(install.ExitCode == 0, install.ToString());
        var help = await CliProcess.ExecAsync(Path.Combine(tools, "priceingest"), null, "--help");
        var usage = await CliProcess.ExecAsync(Path.Combine(tools, "priceingest"), null, "rates");

        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("priceingest [command] [options]", help.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, usage.ExitCode);
    }
}
