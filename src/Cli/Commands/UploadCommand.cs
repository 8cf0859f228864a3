using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using PriceIngest.Client;
using PriceIngest.Client.Sources;
using PriceIngest.Contracts.V1;
using Spectre.Console;

namespace PriceIngest.Cli.Commands;

/// <summary><c>priceingest upload FILE [--batch-id ID] [--format csv|ndjson]</c>.</summary>
internal static partial class UploadCommand
{
    public static Command Create(CliConsole console)
    {
        var file = new Argument<string?>("FILE")
        {
            Description = "CSV file (header origin,destination,day,price) or NDJSON file ({\"origin\",\"destination\",\"day\",\"price\"} per line); '-' or none: stdin",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var batchId = new Option<string?>("--batch-id", "-b")
        {
            Description = "The batch id: 1-128 characters of A-Z a-z 0-9 . _ : - [default: a new one, printed on stderr]. Sending a committed id again returns its first receipt and writes nothing",
            HelpName = "ID",
        };
        batchId.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } value && !BatchIdPattern().IsMatch(value))
            {
                r.AddError($"--batch-id '{value}' must be 1-128 characters of A-Z a-z 0-9 . _ : -");
            }
        });
        var format = new Option<string?>("--format", "-f")
        {
            Description = "Input format [default: from the extension: .ndjson, .jsonl and .json are NDJSON, anything else CSV; stdin: CSV]",
        };
        format.AcceptOnlyFromAmong("csv", "ndjson");
        var json = new Option<bool>("--json") { Description = "Print the receipt or rejection as JSON (the REST API's fields) instead of tables" };
        var noProgress = new Option<bool>("--no-progress") { Description = "No live progress bar (it is drawn on stderr only when stderr is a terminal)" };
        var server = new ServerOptions();

        var command = new Command(
            "upload",
            "Stream a batch of prices to the server in chunks of 8,192 items, with a live progress bar (items, items/s, ETA for files). " +
            "The batch commits entirely or not at all. When the server is unavailable the upload is retried with the same batch id, " +
            "reading a file again from its start; stdin cannot be read twice, so it is retried only when the failure came before anything " +
            "was read from it. Prints the receipt, or the rejection with its item errors (index, field, value, reason; exit 3). " +
            CliApp.ExitCodesHelp)
        {
            file, batchId, format, json, noProgress,
        };
        server.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (server.Address(parse, console) is not { } address)
            {
                return ExitCodes.Usage;
            }

            var path = parse.GetValue(file);
            var stdin = string.IsNullOrEmpty(path) || path == "-";
            if (!stdin && !File.Exists(path))
            {
                console.Fail($"no such file: {path}");
                return ExitCodes.Usage;
            }

            var fileFormat = parse.GetValue(format) switch
            {
                "ndjson" => PriceFileFormat.Ndjson,
                "csv" => PriceFileFormat.Csv,
                _ => stdin ? PriceFileFormat.Csv : PriceFileFormats.FromPath(path!),
            };
            var id = parse.GetValue(batchId) ?? NewBatchId();
            var live = console.Interactive && !parse.GetValue(noProgress);
            ProgressTask? task = null;
            var options = server.ClientOptions(parse, console, upload: true, notice =>
            {
                var text = RatesCommand.RetryText(notice);
                if (task is { } t)
                {
                    t.Description = Markup.Escape(text);
                }
                else
                {
                    console.Fail(text);
                }
            });

            try
            {
                using var client = new PriceIngestClient(address, options);
                await using var input = stdin ? console.OpenInput() : null;
                var source = input is null ? PriceSource.FromFile(path!, fileFormat) : PriceSource.FromStream(input, fileFormat);
                console.ErrorWriter.WriteLine($"priceingest: uploading {(stdin ? "stdin" : path)} ({fileFormat.ToString().ToUpperInvariant()}) as batch {id} to {address}");
                UploadProgress? last = null;
                BatchReceipt receipt;
                if (live)
                {
                    receipt = await console.Error.Progress()
                        .AutoClear(false)
                        .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                        .StartAsync(async context =>
                        {
                            task = context.AddTask("connecting", maxValue: source.TotalBytes is > 0 and var total ? total : 1);
                            task.IsIndeterminate = source.TotalBytes is not > 0;
                            var progress = new SyncProgress(p =>
                            {
                                last = p;
                                task.Description = Markup.Escape(Describe(p));
                                if (p.TotalBytes is > 0)
                                {
                                    task.Value = p.BytesRead;
                                }
                            });
                            var result = await client.UploadAsync(id, source, progress, cancellationToken);
                            task.Value = task.MaxValue;
                            task.IsIndeterminate = false;
                            task.StopTask();
                            return result;
                        });
                }
                else
                {
                    receipt = await client.UploadAsync(id, source, new SyncProgress(p => last = p), cancellationToken);
                }

                if (last is { } done)
                {
                    console.ErrorWriter.WriteLine($"priceingest: {Describe(done)}");
                }

                return Print(console, receipt, parse.GetValue(json));
            }
            catch (Exception e)
            {
                return Failures.Report(e, console, address, options.MaxAttempts, cancellationToken);
            }
        });
        return command;
    }

    private static int Print(CliConsole console, BatchReceipt receipt, bool json)
    {
        if (json)
        {
            console.OutWriter.WriteLine(Output.ReceiptJson(receipt));
        }
        else
        {
            Output.Receipt(console.Out, receipt);
        }

        switch (receipt.Status)
        {
            case BatchStatus.Committed:
                return ExitCodes.Success;
            case BatchStatus.Rejected:
                console.Fail($"batch {receipt.BatchId} rejected: {receipt.InvalidItems.ToString("N0", CultureInfo.InvariantCulture)} invalid item(s){(receipt.Reason.Length > 0 ? $" ({receipt.Reason})" : string.Empty)}; nothing was committed");
                return ExitCodes.Rejected;
            default:
                console.Fail($"batch {receipt.BatchId} ended {Output.Status(receipt.Status)}{(receipt.Reason.Length > 0 ? $": {receipt.Reason}" : string.Empty)}; nothing was committed, the id may be sent again");
                return ExitCodes.Other;
        }
    }

    private static string Describe(UploadProgress p)
    {
        var text = $"{(p.Completed ? "sent" : "sending")} {p.Items.ToString("N0", CultureInfo.InvariantCulture)} items, {p.ItemsPerSecond.ToString("N0", CultureInfo.InvariantCulture)} items/s";
        if (p.Completed)
        {
            text += $", {p.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s";
        }

        return p.Attempt > 1 ? $"{text} (attempt {p.Attempt})" : text;
    }

    private static string NewBatchId() =>
        string.Create(CultureInfo.InvariantCulture, $"cli-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid():N}")[..48];

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex BatchIdPattern();

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post, out of order).</summary>
    private sealed class SyncProgress(Action<UploadProgress> report) : IProgress<UploadProgress>
    {
        public void Report(UploadProgress value) => report(value);
    }
}
