using Microsoft.AspNetCore.Http;
using PriceIngest.Formats;

namespace PriceIngest.Api.Rest;

/// <summary>
/// A small CSV table in a request body (reference data, exchange rates): a header naming the
/// columns (any order, any case, extra columns ignored), then rows. Every problem is listed by row;
/// the caller changes nothing unless the whole table reads.
/// </summary>
internal static class CsvTableBody
{
    /// <summary>The rows, each with the fields of <paramref name="columns"/> in that order; or the 400 to answer.</summary>
    public static async Task<(List<string[]>? Rows, IResult? Problem)> ReadAsync(HttpContext context, string[] columns, string what)
    {
        var rows = new List<string[]>();
        var errors = new List<string>();
        int[]? positions = null;
        try
        {
            await foreach (var record in CsvReader.ReadAsync(context.Request.BodyReader, context.RequestAborted))
            {
                var fields = Enumerable.Range(0, record.Count).Select(record.GetString).ToList();
                if (positions is null)
                {
                    if (record.Error is { } headerError)
                    {
                        return Invalid(what, "the CSV header is unreadable; nothing was changed", [$"header: {headerError}"]);
                    }

                    var names = fields.Select(f => f.ToLowerInvariant()).ToList();
                    positions = [.. columns.Select(c => names.IndexOf(c))];
                    var missing = columns.Where((_, i) => positions[i] < 0).ToList();
                    if (missing.Count > 0)
                    {
                        return Invalid(what, "the CSV header is incomplete; nothing was changed",
                            [$"header: missing column(s) {string.Join(", ", missing)}; expected {string.Join(",", columns)}"]);
                    }

                    continue;
                }

                if (record.Error is { } error)
                {
                    errors.Add($"row {rows.Count + 1}: {error}");
                }

                if (fields.Count <= positions.Max())
                {
                    errors.Add($"row {rows.Count + 1}: expected {columns.Length} fields, found {fields.Count}");
                }

                rows.Add([.. positions.Select(p => p < fields.Count ? fields[p] : "")]);
            }
        }
        catch (MalformedBodyException e)
        {
            return Invalid(what, "the body is unreadable; nothing was changed", [e.Message]);
        }
        catch (BadHttpRequestException e)
        {
            return (null, Problems.Status(e.StatusCode, "Bad request body", $"{e.Message}; nothing was changed"));
        }

        if (positions is null)
        {
            return Invalid(what, "the body is empty; nothing was changed", [$"header: expected a CSV header {string.Join(",", columns)}"]);
        }

        return errors.Count > 0 ? Invalid(what, $"{errors.Count} problem(s); nothing was changed", errors) : (rows, null);
    }

    private static (List<string[]>?, IResult?) Invalid(string what, string detail, IReadOnlyList<string> errors) =>
        (null, Problems.Status(StatusCodes.Status400BadRequest, $"Invalid {what}", detail, errors));
}
