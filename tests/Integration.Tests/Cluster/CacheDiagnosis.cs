using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;
using PriceIngest.Contracts.V1;

namespace PriceIngest.Integration.Tests.Cluster;

/// <summary>
/// When a cluster answer differs from SQL on a day: which lane, which silo answered it wrong, and
/// which committed batch it is missing, so a failure names its cause instead of just a count.
/// </summary>
internal static class CacheDiagnosis
{
    public static async Task<string> DescribeAsync(
        Cluster cluster, IEnumerable<Cluster.Node> silos, ConcurrentDictionary<string, (long CommitSeq, List<PriceItem> Items)> committed,
        string origin, string destination, DateOnly day, long minCommitSeq)
    {
        var text = new StringBuilder();
        var lanes = await LanePricesAsync(cluster.ConnectionString, origin, destination, day);
        text.AppendLine(CultureInfo.InvariantCulture, $"SQL lanes with prices on {day:yyyy-MM-dd}: {lanes.Count}");
        foreach (var silo in silos)
        {
            foreach (var (lane, (from, to, prices)) in lanes)
            {
                // Each silo answers for the whole cluster: a wrong count here names the lane and the silo that answered.
                var uri = new Uri($"/rates?date_from={day:yyyy-MM-dd}&date_to={day:yyyy-MM-dd}&origin={from}&destination={to}&include_count=true&min_commit_seq={minCommitSeq}", UriKind.Relative);
                var body = await silo.Process.Http.GetStringAsync(uri);
                var count = JsonDocument.Parse(body).RootElement[0].GetProperty("count").GetInt32();
                if (count == prices.Count)
                {
                    continue;
                }

                text.AppendLine(CultureInfo.InvariantCulture,
                    $"silo {silo.GrpcAddress} (pid {silo.Process.Pid}): lane {lane} {from}->{to} count {count}, SQL count {prices.Count} sum {prices.Sum()}");
                foreach (var price in prices)
                {
                    var batches = committed.Where(b => b.Value.Items.Any(i => i.Origin == from && i.Destination == to && i.Price == price
                        && i.Day == day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))).Select(b => $"{b.Key} (seq {b.Value.CommitSeq})");
                    text.AppendLine(CultureInfo.InvariantCulture, $"  price {price}: {string.Join(", ", batches.DefaultIfEmpty("seed"))}");
                }

                text.AppendLine(silo.Process.OutputTail(40));
            }
        }

        return text.ToString();
    }

    private static async Task<Dictionary<int, (string From, string To, List<long> Prices)>> LanePricesAsync(string connectionString, string origin, string destination, DateOnly day)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(Cluster.PortsBetween + """
            select p.lane, po.code, pd.code, p.price::bigint
            from prices p join ports po on po.id = p.lane >> 16 join ports pd on pd.id = p.lane & 65535
            where p.day = $3 and p.lane in (select (o.id::int << 16) | d.id from o, d where o.id <> d.id)
            """, connection);
        command.Parameters.Add(new() { Value = origin });
        command.Parameters.Add(new() { Value = destination });
        command.Parameters.Add(new() { Value = day });
        var lanes = new Dictionary<int, (string, string, List<long>)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var lane = reader.GetInt32(0);
            if (!lanes.TryGetValue(lane, out var entry))
            {
                lanes[lane] = entry = (reader.GetString(1), reader.GetString(2), []);
            }

            entry.Item3.Add(reader.GetInt64(3));
        }

        return lanes;
    }
}
