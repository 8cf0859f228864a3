using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using PriceIngest.Formats;
using PriceIngest.Grains.Services;

namespace PriceIngest.Api.Rest;

/// <summary>
/// <c>GET /ports</c> (<c>?region=SLUG</c>: the ports of that region and every region below it) and
/// <c>GET /regions</c>: JSON by default, or with <c>Accept: text/csv</c> the very columns
/// <c>PUT</c> takes, so a download uploaded again changes nothing.
/// </summary>
internal static class ReferenceListingEndpoints
{
    public static async Task<IResult> GetPortsAsync(HttpContext context, IReferenceDataService reference)
    {
        var listing = await reference.GetAsync(context.RequestAborted);
        var ports = listing.Ports.AsEnumerable();
        if (context.Request.Query.TryGetValue("region", out var given))
        {
            if (given.Count != 1)
            {
                return Problems.BadParameter("region", $"region is given {given.Count} times; give one region slug, once");
            }

            var region = given.ToString();
            if (!listing.Regions.Any(r => r.Slug == region))
            {
                var suggestions = PlaceSuggestions.Closest(region, listing.Regions.Select(r => r.Slug));
                return Problems.NotFound("Unknown region", $"region '{region}' is not a known region slug{PlaceSuggestions.Sentence(suggestions)}", "region", region);
            }

            var within = Within(listing.Regions, region);
            ports = ports.Where(p => within.Contains(p.Region));
        }

        return WantsCsv(context)
            ? Csv(ports.Aggregate(new StringBuilder().AppendRecord("code", "name", "region"), (text, p) => text.AppendRecord(p.Code, p.Name, p.Region)))
            : Results.Json(ports.Select(p => new { code = p.Code, name = p.Name, region = p.Region }));
    }

    public static async Task<IResult> GetRegionsAsync(HttpContext context, IReferenceDataService reference)
    {
        var listing = await reference.GetAsync(context.RequestAborted);
        if (WantsCsv(context))
        {
            // Parents first, so that the file is also readable top-down by a person.
            var ordered = TopDown(listing.Regions);
            return Csv(ordered.Aggregate(new StringBuilder().AppendRecord("slug", "name", "parent"), (text, r) => text.AppendRecord(r.Slug, r.Name, r.Parent)));
        }

        var ports = listing.Ports.ToLookup(p => p.Region, p => p.Code, StringComparer.Ordinal);
        var children = listing.Regions.Where(r => r.Parent is not null).ToLookup(r => r.Parent!, r => r.Slug, StringComparer.Ordinal);
        return Results.Json(listing.Regions.Select(r => new
        {
            slug = r.Slug,
            name = r.Name,
            parent = r.Parent,
            regions = children[r.Slug].ToArray(),
            ports = ports[r.Slug].ToArray(),
        }));
    }

    /// <summary>
    /// CSV when the Accept header rates text/csv above zero and above JSON, or equal to JSON by a
    /// more specific range (<c>text/csv, */*</c>); JSON otherwise, also for <c>*/*</c> or no header.
    /// </summary>
    private static bool WantsCsv(HttpContext context)
    {
        var accept = context.Request.GetTypedHeaders().Accept;
        var csv = Quality(accept, "text", "csv");
        var json = Quality(accept, "application", "json");
        return csv.Value > 0 && (csv.Value > json.Value || (csv.Value == json.Value && csv.Specificity > json.Specificity));
    }

    /// <summary>
    /// The quality of the most specific range that covers type/subtype (RFC 9110 12.5.1) and how
    /// specific it is (2 exact, 1 type/*, 0 */*); quality 0 when none does.
    /// </summary>
    private static (double Value, int Specificity) Quality(IList<MediaTypeHeaderValue> accept, string type, string subtype)
    {
        var best = (Value: 0.0, Specificity: -1);
        foreach (var range in accept)
        {
            var anyType = range.Type.Value == "*";
            var anySubtype = range.SubType.Value == "*";
            var covers = (anyType || string.Equals(range.Type.Value, type, StringComparison.OrdinalIgnoreCase))
                && (anySubtype || string.Equals(range.SubType.Value, subtype, StringComparison.OrdinalIgnoreCase));
            var specificity = (anyType ? 0 : 1) + (anySubtype ? 0 : 1);
            if (covers && specificity > best.Specificity)
            {
                best = (range.Quality ?? 1.0, specificity);
            }
        }

        return best;
    }

    private static IResult Csv(StringBuilder text) => Results.Text(text.ToString(), "text/csv; charset=utf-8", Encoding.UTF8);

    /// <summary>The slug and every region below it.</summary>
    private static HashSet<string> Within(IEnumerable<RegionRow> regions, string slug)
    {
        var children = regions.Where(r => r.Parent is not null).ToLookup(r => r.Parent!, r => r.Slug, StringComparer.Ordinal);
        var within = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([slug]);
        while (pending.TryPop(out var next))
        {
            if (within.Add(next))
            {
                foreach (var child in children[next])
                {
                    pending.Push(child);
                }
            }
        }

        return within;
    }

    private static List<RegionRow> TopDown(IReadOnlyCollection<RegionRow> regions)
    {
        var children = regions.Where(r => r.Parent is not null).ToLookup(r => r.Parent!, StringComparer.Ordinal);
        var ordered = new List<RegionRow>(regions.Count);
        var pending = new Queue<RegionRow>(regions.Where(r => r.Parent is null));
        while (pending.TryDequeue(out var region))
        {
            ordered.Add(region);
            foreach (var child in children[region.Slug])
            {
                pending.Enqueue(child);
            }
        }

        return ordered;
    }
}
