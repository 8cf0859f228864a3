using System.Net.Http.Headers;
using System.Text;

namespace PriceIngest.Integration.Tests.Support;

/// <summary>Small, hand-checkable reference data and body builders shared by the API tests.</summary>
public static class TestData
{
    // world -> europe -> north_europe -> (NLRTM, DEHAM); europe -> med (ESBCN); world -> asia (CNSGH, CNNBO)
    public const string Regions = """
        slug,name,parent
        world,World,
        europe,Europe,world
        north_europe,North Europe,europe
        med,Mediterranean,europe
        asia,Asia,world
        """;

    public const string Ports = """
        code,name,region
        NLRTM,Rotterdam,north_europe
        DEHAM,Hamburg,north_europe
        ESBCN,Barcelona,med
        CNSGH,Shanghai,asia
        CNNBO,Ningbo,asia
        """;

    public static async Task LoadReferenceAsync(HttpClient http)
    {
        (await http.PutAsync("/regions", Csv(Regions))).EnsureSuccessStatusCode();
        (await http.PutAsync("/ports", Csv(Ports))).EnsureSuccessStatusCode();
    }

    public static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    public static StringContent PricesCsv(IEnumerable<(string Origin, string Destination, string Day, long Price)> rows)
    {
        var body = new StringBuilder("origin,destination,day,price\n");
        foreach (var (o, d, day, price) in rows)
        {
            body.Append(o).Append(',').Append(d).Append(',').Append(day).Append(',').Append(price).Append('\n');
        }

        return Csv(body.ToString());
    }

    /// <summary>
    /// <paramref name="count"/> random prices between the five test ports (never a port to itself)
    /// on 2016-01-01..10, the same for the same seed.
    /// </summary>
    public static List<(string Origin, string Destination, string Day, long Price)> RandomPrices(Random random, int count)
    {
        string[] ports = ["NLRTM", "DEHAM", "ESBCN", "CNSGH", "CNNBO"];
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var origin = random.Next(ports.Length);
            var destination = (origin + 1 + random.Next(ports.Length - 1)) % ports.Length;
            return (ports[origin], ports[destination], $"2016-01-{random.Next(1, 11):00}", (long)random.Next(1, 1000));
        })];
    }

    public static StringContent Ndjson(string lines)
    {
        var content = new StringContent(lines, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        return content;
    }
}
