using System.CommandLine;
using System.CommandLine.Help;
using PriceIngest.Cli.Commands;

namespace PriceIngest.Cli;

/// <summary>The <c>priceingest</c> command line, runnable in-process (tests) or as the program.</summary>
public static class CliApp
{
    public const string ExitCodesHelp =
        "Exit codes: 0 success; 2 usage error; 3 rejected input or caller (batch rejected, invalid argument, not found, unreadable file, no or a short API key); 4 server unavailable (after the retries) or no answer in time; 5 other error.";

    /// <summary>The command tree; named "priceingest" whatever the host process is called.</summary>
    public static Command Build(CliConsole console)
    {
        var root = new Command(
            "priceingest",
            "priceingest: the ETL client of PriceIngest. Streams batches of freight prices to a silo over gRPC " +
            "(exactly once per batch id, retried when the server is unavailable), and reads daily rates and batch states. " +
            ExitCodesHelp)
        {
            UploadCommand.Create(console),
            RatesCommand.Create(console),
            BatchCommand.Create(console),
            KeysCommand.Create(console),
            new HelpOption(),
            new VersionOption(),
        };
        return root;
    }

    /// <summary>Parses and runs; returns the exit code (see <see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        ParseResult parse;
        try
        {
            parse = Build(console).Parse(args);
        }
        catch (InvalidOperationException e)
        {
            console.Fail($"{e.Message} (see 'priceingest --help')");
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration
        {
            Output = console.OutWriter,
            Error = console.ErrorWriter,
            EnableDefaultExceptionHandler = false,
        };
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            var command = parse.CommandResult.Command.Name == "priceingest" ? "priceingest" : "priceingest " + parse.CommandResult.Command.Name;
            var messages = string.Join(' ', string.Join("; ", parse.Errors.Select(e => e.Message))
                .Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
            console.Fail($"{messages} (see '{command} --help')");
            return ExitCodes.Usage;
        }

        try
        {
            return await parse.InvokeAsync(configuration, cancellationToken);
        }
        catch (Exception e)
        {
            console.Fail($"unexpected error: {e.GetType().Name}: {e.Message}");
            return ExitCodes.Other;
        }
    }
}
