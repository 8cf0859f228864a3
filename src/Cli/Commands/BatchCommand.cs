using System.CommandLine;
using PriceIngest.Client;

namespace PriceIngest.Cli.Commands;

/// <summary><c>priceingest batch ID</c>.</summary>
internal static class BatchCommand
{
    public static Command Create(CliConsole console)
    {
        var id = new Argument<string>("ID") { Description = "The batch id (as given to 'upload --batch-id' or printed by 'upload')" };
        var json = new Option<bool>("--json") { Description = "Print JSON (the REST API's receipt fields) instead of a table" };
        var server = new ServerOptions();
        var command = new Command(
            "batch",
            "Print a batch's recorded state: receiving, committed (with its commit seq), rejected (with its item errors) or aborted. " +
            "Exits 0 whatever the state, 3 when the id was never received. " + CliApp.ExitCodesHelp)
        {
            id, json,
        };
        server.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (server.Address(parse, console) is not { } address)
            {
                return ExitCodes.Usage;
            }

            var options = server.ClientOptions(parse, console, upload: false, notice => console.Fail(RatesCommand.RetryText(notice)));
            try
            {
                using var client = new PriceIngestClient(address, options);
                var receipt = await client.GetBatchAsync(parse.GetValue(id)!, cancellationToken);
                if (parse.GetValue(json))
                {
                    await console.OutWriter.WriteLineAsync(Output.ReceiptJson(receipt).AsMemory(), cancellationToken);
                }
                else
                {
                    Output.Receipt(console.Out, receipt);
                }

                return ExitCodes.Success;
            }
            catch (Exception e)
            {
                return Failures.Report(e, console, address, options.MaxAttempts, cancellationToken);
            }
        });
        return command;
    }
}
