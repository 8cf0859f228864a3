using System.CommandLine;
using PriceIngest.Bench.Reporting;
using PriceIngest.Bench.Runs;
using PriceIngest.Bench.Workloads;

namespace PriceIngest.Bench.Cli;

/// <summary>
/// <c>bench [--quick] [--output PATH] [--connection-string CS] [--seed N] [--rest-only]</c>: the markdown report
/// on stdout, the JSON report in a file, progress on stderr. Exit code 0 when the run completed and
/// every answer equalled plain SQL (whether targets were met or not), 2 when answers differed, 130
/// when stopped by SIGTERM or Ctrl+C, 1 on any other failure.
/// </summary>
public static class BenchCommand
{
    private const int Stopped = 130;

    public static RootCommand Create()
    {
        var quick = new Option<bool>("--quick") { Description = "Smaller sizes and fewer repetitions: under two minutes (base 200,000; batches of 50,000 and 200,000)." };
        var output = new Option<string>("--output", "-o")
        {
            Description = "Where to write the JSON report (the silo's log goes next to it).",
            DefaultValueFactory = _ => Path.Combine("artifacts", "bench.json"),
        };
        var connectionString = new Option<string?>("--connection-string")
        {
            Description = "Use this (empty) PostgreSQL database instead of starting a throwaway cluster.",
        };
        var seed = new Option<int>("--seed") { Description = "Seed of the generated data.", DefaultValueFactory = _ => 42 };
        var restOnly = new Option<bool>("--rest-only") { Description = "Measure the service over REST only (no gRPC contender)." };

        var command = new RootCommand("PriceIngest benchmark: ingest and lookups of the service against raw PostgreSQL COPY and the plain SQL query, in one run.")
        {
            quick, output, connectionString, seed, restOnly,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new BenchSettings
            {
                Quick = parse.GetValue(quick),
                OutputPath = parse.GetValue(output)!,
                ConnectionString = parse.GetValue(connectionString),
                Seed = parse.GetValue(seed),
                RestOnly = parse.GetValue(restOnly),
            };
            return await RunAsync(settings, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var say = new Narrator();
        try
        {
            var report = await new BenchRun(settings, say).RunAsync(cancellationToken);
            await JsonReport.WriteAsync(report, settings.OutputPath, cancellationToken);
            await Console.Out.WriteAsync(MarkdownReport.Render(report));
            await Console.Out.FlushAsync(cancellationToken);
            say.Success($"done in {report.Seconds:F0} s; every answer equal to plain SQL; JSON report: {Path.GetFullPath(settings.OutputPath)}");
            return 0;
        }
        catch (AnswerMismatchException e)
        {
            say.Failure("ANSWERS DIFFER FROM PLAIN SQL: the run is void.");
            say.Failure(e.Message);
            return 2;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            say.Failure("stopped by a signal: the silo processes and PostgreSQL were stopped, no report was written.");
            return Stopped;
        }
        catch (Exception e)
        {
            say.Failure($"the benchmark failed: {e}");
            return 1;
        }
    }
}
