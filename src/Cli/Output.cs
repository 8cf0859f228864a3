using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using PriceIngest.Contracts.V1;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace PriceIngest.Cli;

/// <summary>Tables for people, JSON (the REST API's field names) for machines.</summary>
internal static class Output
{
    public static string Status(BatchStatus status) => status switch
    {
        BatchStatus.Receiving => "receiving",
        BatchStatus.Committed => "committed",
        BatchStatus.Rejected => "rejected",
        BatchStatus.Aborted => "aborted",
        _ => "unspecified",
    };

    public static void Receipt(IAnsiConsole console, BatchReceipt receipt)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("batch").AddColumn(new TableColumn(Cell(receipt.BatchId)));
        table.ShowHeaders = true;
        Row(table, "status", Status(receipt.Status));
        Row(table, "items", Number(receipt.Items));
        if (receipt.Status == BatchStatus.Committed)
        {
            Row(table, "commit seq", receipt.CommitSeq.ToString(CultureInfo.InvariantCulture));
            if (receipt.Converted.Count > 0)
            {
                Row(table, "converted", string.Join(", ", receipt.Converted.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{Number(c.Value)} {c.Key}")));
            }
        }

        if (receipt.Status == BatchStatus.Rejected)
        {
            Row(table, "invalid items", Number(receipt.InvalidItems));
        }

        if (receipt.Reason.Length > 0)
        {
            Row(table, "reason", receipt.Reason);
        }

        if (receipt.ReceivedAt is { } received)
        {
            Row(table, "received at", Time(received));
        }

        if (receipt.FinishedAt is { } finished)
        {
            Row(table, "finished at", Time(finished));
        }

        console.Write(table);
        if (receipt.Errors.Count > 0)
        {
            var errors = new Table().Border(TableBorder.Rounded).Title("item errors")
                .AddColumn(new TableColumn("index").RightAligned()).AddColumn("field").AddColumn("value").AddColumn("reason");
            foreach (var error in receipt.Errors)
            {
                errors.AddRow(Cell(error.Index.ToString(CultureInfo.InvariantCulture)), Cell(error.Field), Cell(error.Value), Cell(error.Reason));
            }

            console.Write(errors);
            var listed = receipt.Errors.Count < receipt.InvalidItems ? $" (the first {receipt.Errors.Count} errors are listed)" : string.Empty;
            console.WriteLine($"{Number(receipt.InvalidItems)} invalid item(s) of {Number(receipt.Items)}{listed}");
        }
    }

    public static void Rates(IAnsiConsole console, RatesRequest request, RatesReply reply)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title(Markup.Escape($"{request.Origin} -> {request.Destination}"))
            .AddColumn("day").AddColumn(new TableColumn("average").RightAligned()).AddColumn(new TableColumn("count").RightAligned());
        foreach (var day in reply.Days)
        {
            table.AddRow(Cell(day.Day), Cell(day.HasAveragePrice ? Number(day.AveragePrice) : "-"), Cell(Number(day.Count)));
        }

        console.Write(table);
    }

    public static string ReceiptJson(BatchReceipt receipt) => Json(writer => WriteReceipt(writer, receipt));

    public static string RatesJson(RatesReply reply) => Json(writer =>
    {
        writer.WriteStartArray();
        foreach (var day in reply.Days)
        {
            writer.WriteStartObject();
            writer.WriteString("day", day.Day);
            if (day.HasAveragePrice)
            {
                writer.WriteNumber("average_price", day.AveragePrice);
            }
            else
            {
                writer.WriteNull("average_price");
            }

            writer.WriteNumber("count", day.Count);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    });

    private static void WriteReceipt(Utf8JsonWriter writer, BatchReceipt receipt)
    {
        writer.WriteStartObject();
        writer.WriteString("id", receipt.BatchId);
        writer.WriteString("status", Status(receipt.Status));
        writer.WriteNumber("items", receipt.Items);
        if (receipt.Status == BatchStatus.Committed)
        {
            writer.WriteNumber("commit_seq", receipt.CommitSeq);
            if (receipt.Converted.Count > 0)
            {
                writer.WriteStartObject("converted");
                foreach (var (currency, items) in receipt.Converted.OrderBy(c => c.Key, StringComparer.Ordinal))
                {
                    writer.WriteNumber(currency, items);
                }

                writer.WriteEndObject();
            }
        }

        if (receipt.Status == BatchStatus.Rejected)
        {
            writer.WriteNumber("invalid_items", receipt.InvalidItems);
        }

        if (receipt.Reason.Length > 0)
        {
            writer.WriteString("reason", receipt.Reason);
        }

        if (receipt.Errors.Count > 0)
        {
            writer.WriteStartArray("errors");
            foreach (var error in receipt.Errors)
            {
                writer.WriteStartObject();
                writer.WriteNumber("index", error.Index);
                writer.WriteString("field", error.Field);
                writer.WriteString("value", error.Value);
                writer.WriteString("reason", error.Reason);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (receipt.ReceivedAt is { } received)
        {
            writer.WriteString("received_at", Time(received));
        }

        if (receipt.FinishedAt is { } finished)
        {
            writer.WriteString("finished_at", Time(finished));
        }

        writer.WriteEndObject();
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Row(Table table, string name, string value) => table.AddRow(Cell(name), Cell(value));

    private static Text Cell(string text) => new(text);

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Time(Timestamp timestamp) =>
        timestamp.ToDateTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static IRenderable Line(string text) => new Text(text);
}
