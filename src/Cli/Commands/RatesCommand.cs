using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using PriceIngest.Client;
using PriceIngest.Contracts.V1;

namespace PriceIngest.Cli.Commands;

/// <summary><c>priceingest rates --origin X --destination Y --from D --to D</c>.</summary>
internal static class RatesCommand
{
    public static Command Create(CliConsole console)
    {
        var origin = new Option<string>("--origin", "-o") { Description = "Origin: a port code (CNSGH) or a region slug (china_main)", Required = true, HelpName = "PLACE" };
        var destination = new Option<string>("--destination", "-d") { Description = "Destination: a port code or a region slug", Required = true, HelpName = "PLACE" };
        var from = DateOption("--from", "First day, YYYY-MM-DD (inclusive)");
        var to = DateOption("--to", "Last day, YYYY-MM-DD (inclusive)");
        var minCommitSeq = new Option<long?>("--min-commit-seq")
        {
            Description = "Answer only once this commit (the 'commit seq' of an upload's receipt) is visible: read your own write",
            HelpName = "N",
        };
        var minCount = new Option<int?>("--min-count")
        {
            Description = "Days with fewer prices than this have no average [default: the server's, 3]",
            HelpName = "N",
        };
        var json = new Option<bool>("--json") { Description = "Print JSON ([{\"day\",\"average_price\",\"count\"}], average_price null under the minimum) instead of a table" };
        var server = new ServerOptions();

        var command = new Command("rates", "Print the average daily price between two places for each day of a range, with the number of prices behind it. " + CliApp.ExitCodesHelp)
        {
            origin, destination, from, to, minCommitSeq, minCount, json,
        };
        server.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (server.Address(parse, console) is not { } address)
            {
                return ExitCodes.Usage;
            }

            if (parse.GetValue(from) > parse.GetValue(to))
            {
                console.Fail("--from must not be after --to (see 'priceingest rates --help')");
                return ExitCodes.Usage;
            }

            var options = server.ClientOptions(parse, console, upload: false, notice => console.Fail(RetryText(notice)));
            var request = new RatesRequest
            {
                Origin = parse.GetValue(origin)!,
                Destination = parse.GetValue(destination)!,
                DateFrom = parse.GetValue(from).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                DateTo = parse.GetValue(to).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            };
            if (parse.GetValue(minCommitSeq) is { } seq)
            {
                request.MinCommitSeq = seq;
            }

            if (parse.GetValue(minCount) is { } count)
            {
                request.MinCount = count;
            }

            try
            {
                using var client = new PriceIngestClient(address, options);
                var reply = await client.GetRatesAsync(request, cancellationToken);
                if (parse.GetValue(json))
                {
                    await console.OutWriter.WriteLineAsync(Output.RatesJson(reply).AsMemory(), cancellationToken);
                }
                else
                {
                    Output.Rates(console.Out, request, reply);
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

    internal static string RetryText(RetryNotice notice) =>
        $"{notice.Operation}: {Detail(notice.Failure)}; attempt {notice.NextAttempt} of {notice.MaxAttempts} in {notice.Delay.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s";

    private static string Detail(Exception e) => e is Grpc.Core.RpcException rpc
        ? $"{Failures.Name(rpc.StatusCode)} {Failures.Detail(rpc)}"
        : e.Message;

    private static Option<DateOnly> DateOption(string name, string description) => new(name)
    {
        Description = description,
        Required = true,
        HelpName = "YYYY-MM-DD",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                return day;
            }

            result.AddError($"{name}: '{text}' is not a date in YYYY-MM-DD form");
            return default;
        },
    };
}
