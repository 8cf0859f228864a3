using System.CommandLine;
using PriceIngest.Formats;

namespace PriceIngest.Cli.Commands;

/// <summary><c>priceingest keys new --name N --role R</c>: mints an API key, offline.</summary>
internal static class KeysCommand
{
    public static Command Create(CliConsole console)
    {
        var name = new Option<string>("--name")
        {
            Description = "Who the key is for (shown in 403 answers and logs): 1-64 of A-Z, a-z, 0-9, '.', '_', '-'",
            Required = true,
            HelpName = "NAME",
        };
        var role = new Option<string>("--role")
        {
            Description = "read (rates, batch status), ingest (read + uploads) or admin (everything: reference data, operator pages)",
            Required = true,
            HelpName = "ROLE",
        };
        role.AcceptOnlyFromAmong("read", "ingest", "admin");
        var mint = new Command(
            "new",
            "Mint a new API key. Prints the key once (give it to the client, e.g. as $PRICEINGEST_API_KEY) and the line to add " +
            "to the server's keys file (--api-keys FILE), which holds only the key's SHA-256. Servers re-read the file when it changes. " +
            CliApp.ExitCodesHelp)
        {
            name, role,
        };
        mint.SetAction(async (parse, cancellationToken) =>
        {
            string key, line;
            try
            {
                // AcceptOnlyFromAmong has checked the role.
                _ = ApiKeyFile.TryParseRole(parse.GetValue(role)!, out var parsed);
                (key, line) = ApiKeyFile.Mint(parse.GetValue(name)!, parsed);
            }
            catch (ArgumentException e)
            {
                console.Fail(e.Message.Split(" (Parameter", 2)[0]);
                return ExitCodes.Usage;
            }

            await console.OutWriter.WriteLineAsync($"""
                API key (shown only now; keep it in a secret store):
                  {key}
                Line for the keys file (it holds the key's SHA-256, not the key):
                  {line}
                """.AsMemory(), cancellationToken);
            return ExitCodes.Success;
        });
        return new Command("keys", "API keys: 'keys new' mints one, offline. " + CliApp.ExitCodesHelp) { mint };
    }
}
