using System.Globalization;

namespace PriceIngest.Integration.Tests.Telemetry;

/// <summary>
/// A parsed Prometheus text exposition: one sample per line as <c>name{labels} value [timestamp]</c>.
/// Strict: a line it cannot read fails the test, so a format change in the exporter shows.
/// </summary>
public sealed class Scrape
{
    private Scrape(string text, List<Sample> samples)
    {
        Text = text;
        Samples = samples;
    }

    public string Text { get; }

    public IReadOnlyList<Sample> Samples { get; }

    public IEnumerable<string> Names => Samples.Select(s => s.Name).Distinct(StringComparer.Ordinal);

    public static async Task<Scrape> OfAsync(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return Parse(await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
    }

    public static Scrape Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            samples.Add(Sample.Parse(line));
        }

        return new Scrape(text, samples);
    }

    /// <summary>The sum over the series of <paramref name="name"/> whose labels include every pair of <paramref name="labels"/>.</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Sum(s => s.Value);

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
    {
        public static Sample Parse(string line)
        {
            var nameEnd = line.IndexOfAny(['{', ' ']);
            Assert.True(nameEnd > 0, $"not a sample line: {line}");
            var name = line[..nameEnd];
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            var rest = nameEnd;
            if (line[nameEnd] == '{')
            {
                rest = ParseLabels(line, nameEnd + 1, labels);
            }

            var fields = line[rest..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(fields.Length is 1 or 2, $"expected a value and an optional timestamp: {line}");
            var value = fields[0] switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            return new Sample(name, labels, value);
        }

        private static int ParseLabels(string line, int at, Dictionary<string, string> labels)
        {
            while (line[at] != '}')
            {
                var equals = line.IndexOf('=', at);
                var key = line[at..equals];
                Assert.Equal('"', line[equals + 1]);
                var value = new System.Text.StringBuilder();
                var i = equals + 2;
                for (; line[i] != '"'; i++)
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] == 'n' ? '\n' : line[i]);
                    }
                    else
                    {
                        value.Append(line[i]);
                    }
                }

                labels[key] = value.ToString();
                at = i + 1;
                if (line[at] == ',')
                {
                    at++;
                }
            }

            return at + 1;
        }
    }
}
