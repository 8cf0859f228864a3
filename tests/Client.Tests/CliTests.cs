using System.CommandLine;
using System.Diagnostics;
using System.Text;
using PriceIngest.Cli;
using PriceIngest.Client.Tests.Fakes;

namespace PriceIngest.Client.Tests;

public sealed class CliTests : IAsyncLifetime
{
    private FakeServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Upload_of_a_good_file_prints_the_receipt_and_exits_0()
    {
        var path = ClientTests.TempFile(".csv", "origin,destination,day,price\nCNSGH,NLRTM,2016-01-01,1234\nCNSGH,NLRTM,2016-01-01,1250\n");

        var run = await Run("upload", path, "--batch-id", "cli-good-1");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Contains("cli-good-1", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("committed", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("commit seq", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, Assert.Single(_server.Service.Uploads).Items);
        Assert.Equal("priceingest-cli", _server.Service.Uploads.Single().Source);
    }

    [Fact]
    public async Task Upload_from_stdin_as_ndjson_and_json_output()
    {
        var stdin = "{\"origin\":\"CNSGH\",\"destination\":\"NLRTM\",\"day\":\"2016-01-01\",\"price\":5}\n";

        var run = await RunWithStdin(stdin, "upload", "-", "--format", "ndjson", "--batch-id", "cli-stdin-1", "--json");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Contains("\"id\": \"cli-stdin-1\"", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"status\": \"committed\"", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_without_a_batch_id_generates_one_and_prints_it()
    {
        var path = ClientTests.TempFile(".csv", "origin,destination,day,price\nCNSGH,NLRTM,2016-01-01,1\n");

        var run = await Run("upload", path);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var id = _server.Service.Uploads.Single().BatchId;
        Assert.StartsWith("cli-", id, StringComparison.Ordinal);
        Assert.Contains(id, run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rejected_batch_prints_the_item_errors_and_exits_3()
    {
        var path = ClientTests.TempFile(".csv", "origin,destination,day,price\nCNSGH,NLRTM,2016-01-01,1\nXXXXX,NLRTM,2016-01-01,2\nXXXXX,NLRTM,2016-01-01,3\n");

        var run = await Run("upload", path, "--batch-id", "cli-bad-1");

        Assert.Equal(ExitCodes.Rejected, run.ExitCode);
        Assert.Contains("rejected", run.Stdout, StringComparison.Ordinal);
        foreach (var header in new[] { "index", "field", "value", "reason" })
        {
            Assert.Contains(header, run.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("unknown port code 'XXXXX'", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("2 invalid item(s) of 3", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("batch cli-bad-1 rejected: 2 invalid item(s)", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_retries_unavailable_with_the_same_batch_id_then_succeeds()
    {
        _server.Service.FailFirstUploads = 2;
        _server.Service.FailAfterMessages = 2;
        var path = ClientTests.TempFile(".csv", "origin,destination,day,price\nCNSGH,NLRTM,2016-01-01,1\n");

        var run = await Run("upload", path, "--batch-id", "cli-retry-1");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal(3, _server.Service.UploadAttempts);
        Assert.All(_server.Service.Uploads, a => Assert.Equal("cli-retry-1", a.BatchId));
        Assert.Contains("attempt 2 of 5", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_exits_4_when_the_server_stays_unavailable()
    {
        _server.Service.FailFirstUploads = int.MaxValue;
        var path = ClientTests.TempFile(".csv", "origin,destination,day,price\nCNSGH,NLRTM,2016-01-01,1\n");

        var run = await Run("upload", path, "--batch-id", "cli-down-1", "--attempts", "3");

        Assert.Equal(ExitCodes.Unavailable, run.ExitCode);
        Assert.Equal(3, _server.Service.UploadAttempts);
        Assert.Contains("unavailable after 3 attempts", LastLine(run.Stderr), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connection_refused_exits_4()
    {
        var run = await RunAgainst(FakeServer.RefusingAddress(), null, "batch", "any", "--attempts", "2");

        Assert.Equal(ExitCodes.Unavailable, run.ExitCode);
        Assert.Contains("unavailable after 2 attempts", LastLine(run.Stderr), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_argument_exits_3_without_retry()
    {
        var path = ClientTests.TempFile(".csv", "origin,destination,day,price\nCNSGH,NLRTM,2016-01-01,1\n");

        var run = await Run("upload", path, "--batch-id", "invalid");

        Assert.Equal(ExitCodes.Rejected, run.ExitCode);
        Assert.Equal(1, _server.Service.UploadAttempts);
        Assert.Contains("(INVALID_ARGUMENT)", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreadable_line_exits_3_naming_the_line()
    {
        var path = ClientTests.TempFile(".csv", "origin,destination,day,price\nCNSGH,NLRTM,2016-01-01,abc\n");

        var run = await Run("upload", path, "--batch-id", "cli-unreadable-1");

        Assert.Equal(ExitCodes.Rejected, run.ExitCode);
        Assert.Contains("line 2: price 'abc' is not a number", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(_server.Service.Uploads, a => a.Completed);
    }

    [Fact]
    public async Task Rates_prints_a_table_or_json()
    {
        var table = await Run("rates", "--origin", "CNSGH", "--destination", "north_europe_main", "--from", "2016-01-01", "--to", "2016-01-02");
        var json = await Run("rates", "-o", "CNSGH", "-d", "NLRTM", "--from", "2016-01-01", "--to", "2016-01-02", "--json", "--min-commit-seq", "7");

        Assert.Equal(ExitCodes.Success, table.ExitCode);
        Assert.Contains("2016-01-01", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("1,001", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("CNSGH -> north_europe_main", table.Stdout, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, json.ExitCode);
        using var document = System.Text.Json.JsonDocument.Parse(json.Stdout);
        var days = document.RootElement.EnumerateArray().ToArray();
        Assert.Equal("2016-01-01", days[0].GetProperty("day").GetString());
        Assert.Equal(1001, days[0].GetProperty("average_price").GetInt64());
        Assert.Equal(4, days[0].GetProperty("count").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, days[1].GetProperty("average_price").ValueKind);
    }

    [Fact]
    public async Task Rates_of_an_unknown_place_exits_3()
    {
        var run = await Run("rates", "--origin", "nowhere", "--destination", "NLRTM", "--from", "2016-01-01", "--to", "2016-01-02");

        Assert.Equal(ExitCodes.Rejected, run.ExitCode);
        Assert.Equal("priceingest: unknown port or region 'nowhere' (origin) (NOT_FOUND)", LastLine(run.Stderr));
    }

    [Fact]
    public async Task Batch_prints_the_status_or_exits_3_when_unknown()
    {
        var path = ClientTests.TempFile(".csv", "origin,destination,day,price\nCNSGH,NLRTM,2016-01-01,1\n");
        Assert.Equal(0, (await Run("upload", path, "--batch-id", "cli-batch-1")).ExitCode);

        var found = await Run("batch", "cli-batch-1");
        var json = await Run("batch", "cli-batch-1", "--json");
        var missing = await Run("batch", "cli-batch-unknown");

        Assert.Equal(ExitCodes.Success, found.ExitCode);
        Assert.Contains("committed", found.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"status\": \"committed\"", json.Stdout, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Rejected, missing.ExitCode);
        Assert.Contains("NOT_FOUND", missing.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("upload", "--nope")]
    [InlineData("rates", "--origin", "A")]
    [InlineData("rates", "--origin", "A", "--destination", "B", "--from", "2016-1-1", "--to", "2016-01-02")]
    [InlineData("rates", "--origin", "A", "--destination", "B", "--from", "2016-01-03", "--to", "2016-01-02")]
    [InlineData("upload", "x.csv", "--format", "xml")]
    [InlineData("upload", "does-not-exist.csv")]
    [InlineData("upload", "x.csv", "--batch-id", "has space")]
    [InlineData("batch")]
    [InlineData("frobnicate")]
    [InlineData()]
    [InlineData("batch", "x", "--server", "not a url")]
    [InlineData("batch", "x", "--attempts", "0")]
    public async Task Usage_errors_exit_2_with_one_line(params string[] args)
    {
        var run = await Run(args);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("priceingest: ", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, _server.Service.UploadAttempts + _server.Service.UnaryCalls);
    }

    [Fact]
    public async Task The_server_comes_from_the_environment_when_not_given()
    {
        var run = await RunAgainst(null, new Dictionary<string, string> { ["PRICEINGEST_SERVER"] = _server.Address.ToString() }, "batch", "unknown-1");

        Assert.Equal(ExitCodes.Rejected, run.ExitCode);
        Assert.Equal(1, _server.Service.UnaryCalls);
    }

    [Fact]
    public async Task Help_mentions_every_command_and_every_option()
    {
        var root = CliApp.Build(new CliConsole(TextWriter.Null, TextWriter.Null));
        var top = await Run("--help");
        Assert.Equal(0, top.ExitCode);
        Assert.Contains("Exit codes", top.Stdout, StringComparison.Ordinal);
        foreach (var command in root.Subcommands)
        {
            Assert.Contains(command.Name, top.Stdout, StringComparison.Ordinal);
            var help = await Run(command.Name, "--help");
            Assert.Equal(0, help.ExitCode);
            Assert.Contains($"priceingest {command.Name}", help.Stdout, StringComparison.Ordinal);
            Assert.Contains("Exit codes: 0 success; 2 usage error; 3 rejected input", help.Stdout, StringComparison.Ordinal);
            foreach (var option in command.Options)
            {
                Assert.Contains(option.Name, help.Stdout, StringComparison.Ordinal);
                Assert.False(string.IsNullOrWhiteSpace(option.Description), $"{command.Name} {option.Name} has no description");
            }

            foreach (var argument in command.Arguments)
            {
                Assert.Contains(argument.Name, help.Stdout, StringComparison.Ordinal);
                Assert.False(string.IsNullOrWhiteSpace(argument.Description));
            }
        }

        Assert.Equal(["upload", "rates", "batch", "keys"], root.Subcommands.Select(c => c.Name));
    }

    [Fact]
    public async Task The_program_runs_as_a_process_with_the_same_exit_codes()
    {
        var dll = CliOutput();
        var help = await Process(dll, "--help");
        var usage = await Process(dll, "rates");
        var missing = await Process(dll, "batch", "process-unknown", "--server", _server.Address.ToString());

        Assert.Equal(0, help.ExitCode);
        Assert.Contains("upload", help.Stdout, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, usage.ExitCode);
        Assert.Equal(ExitCodes.Rejected, missing.ExitCode);
        Assert.Contains("NOT_FOUND", missing.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// The CLI as its own build output has it (src/Cli/bin/CONFIGURATION/FRAMEWORK): this test
    /// project's folder is laid out for ASP.NET Core (the fake server), which drops the packages
    /// a plain console program needs (Grpc.Net.Client's logging abstractions).
    /// </summary>
    private static string CliOutput()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "PriceIngest.sln")))
        {
            root = root.Parent;
        }

        var dll = Path.Combine(root?.FullName ?? ".", "src", "Cli", "bin", output.Parent!.Name, output.Name, "priceingest.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build the solution first");
        return dll;
    }

    private Task<CliRun> Run(params string[] args) => RunAgainst(_server.Address, null, args);

    private Task<CliRun> RunWithStdin(string stdin, params string[] args) => RunAgainst(_server.Address, null, args, stdin);

    private static async Task<CliRun> RunAgainst(Uri? server, Dictionary<string, string>? environment, string[] args, string? stdin = null)
    {
        var env = new Dictionary<string, string>(environment ?? [], StringComparer.Ordinal) { ["PRICEINGEST_RETRY_DELAY_MS"] = "10" };
        if (server is not null && !env.ContainsKey("PRICEINGEST_SERVER"))
        {
            env["PRICEINGEST_SERVER"] = server.ToString();
        }

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var console = new CliConsole(
            stdout,
            stderr,
            () => new MemoryStream(Encoding.UTF8.GetBytes(stdin ?? string.Empty)),
            name => env.GetValueOrDefault(name));
        var exitCode = await CliApp.RunAsync(args, console);
        return new CliRun(exitCode, stdout.ToString(), stderr.ToString());
    }

    private static Task<CliRun> RunAgainst(Uri? server, Dictionary<string, string>? environment, params string[] args) =>
        RunAgainst(server, environment, args, null);

    private static async Task<CliRun> Process(string dll, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PRICEINGEST_RETRY_DELAY_MS"] = "10";
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new CliRun(process.ExitCode, await stdout, await stderr);
    }

    private static string LastLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].TrimEnd('\r');

    private sealed record CliRun(int ExitCode, string Stdout, string Stderr);
}
