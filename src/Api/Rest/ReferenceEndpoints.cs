using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using PriceIngest.Formats;
using PriceIngest.Grains.Services;

namespace PriceIngest.Api.Rest;

/// <summary>
/// <c>PUT /regions</c> (CSV <c>slug,name,parent</c>) and <c>PUT /ports</c> (CSV <c>code,name,region</c>):
/// upsert by key, or with <c>?replace=true</c> also remove what the body does not list (ports with
/// prices only with <c>&amp;retire=true</c> as well). All or nothing.
/// </summary>
internal static class ReferenceEndpoints
{
    public static Task<IResult> PutRegionsAsync(HttpContext context, IReferenceDataService reference, IOptions<RestOptions> options) =>
        PutAsync(context, options.Value, ["slug", "name", "parent"],
            (rows, replace, _, ct) => reference.PutRegionsAsync([.. rows.Select(r => new RegionRow(r[0], r[1], r[2].Length == 0 ? null : r[2]))], replace, ct),
            "regions");

    public static Task<IResult> PutPortsAsync(HttpContext context, IReferenceDataService reference, IOptions<RestOptions> options) =>
        PutAsync(context, options.Value, ["code", "name", "region"],
            (rows, replace, retire, ct) => reference.PutPortsAsync(
                [.. rows.Select(r => new PortRow(r[0], r[1], r[2]))],
                !replace ? AbsentPorts.Kept : retire ? AbsentPorts.Retired : AbsentPorts.Removed,
                ct),
            "ports");

    private static async Task<IResult> PutAsync(
        HttpContext context, RestOptions options, string[] columns,
        Func<List<string[]>, bool, bool, CancellationToken, Task<ReferenceUpload>> apply, string what)
    {
        if (!QueryParameters.TryGetFlag(context.Request.Query, "replace", out var replace, out var problem)
            || !QueryParameters.TryGetFlag(context.Request.Query, "retire", out var retire, out problem))
        {
            return problem!;
        }

        if (retire && (!replace || what != "ports"))
        {
            return Problems.BadParameter("retire", what == "ports"
                ? "retire=true applies only with replace=true: it allows removing ports that have prices"
                : "retire applies only to ports: a region is removed once no port belongs to it");
        }

        var (rows, invalid) = await CsvTableBody.ReadAsync(context, columns, what);
        if (invalid is not null)
        {
            return invalid;
        }

        try
        {
            var applied = await apply(rows!, replace, retire, context.RequestAborted);
            var answer = new Dictionary<string, object> { [what] = applied.Rows, ["replaced"] = replace };
            if (replace)
            {
                answer["removed"] = applied.Removed;
            }

            return Results.Json(answer);
        }
        catch (ReferenceDataException e)
        {
            return Problems.Status(StatusCodes.Status400BadRequest, $"Invalid {what}", $"{e.Errors.Length} problem(s); nothing was changed", e.Errors);
        }
        catch (ReferenceDataConflictException e)
        {
            return Problems.Status(StatusCodes.Status409Conflict, $"{what} in use", $"{e.Errors.Length} problem(s); nothing was changed", e.Errors);
        }
    }
}
