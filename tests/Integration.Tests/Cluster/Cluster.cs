using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using PriceIngest.Client;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Cluster;

/// <summary>
/// Silos and gateways as real processes on loopback over one throwaway database. Every process is
/// killed on dispose; every wait is bounded. Membership timing is the product's default (tuned
/// for fast failure detection); each silo gets fixed free Orleans ports, so the membership table can be asked about it.
/// </summary>
internal sealed partial class Cluster(string connectionString, string workingDirectory) : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private static readonly string[] Logging = ["--Logging:LogLevel:Default=Information"];

    private readonly List<SiloProcess> _processes = [];

    public string ConnectionString => connectionString;

    public static async Task<Cluster> CreateAsync(string connectionString) =>
        await Task.FromResult(new Cluster(connectionString, Directory.CreateTempSubdirectory("priceingest-cluster-").FullName));

    /// <summary>Starts a silo (REST and gRPC on fixed free ports, so a restart can reuse them) and waits until it is active.</summary>
    public async Task<Node> StartSiloAsync(bool seed = false, int? httpPort = null, int? grpcPort = null, params string[] settings)
    {
        var node = new Node("silo", httpPort ?? SiloProcess.FreeLoopbackPort(), grpcPort ?? SiloProcess.FreeLoopbackPort())
        {
            SiloPort = SiloProcess.FreeLoopbackPort(),
            GatewayPort = SiloProcess.FreeLoopbackPort(),
        };
        string[] args =
        [
            "--connection-string", connectionString, "--grpc-port", Port(node.GrpcPort), "--silo-port", Port(node.SiloPort),
            "--gateway-port", Port(node.GatewayPort), .. seed ? ["--Silo:Seed=true"] : (string[])["--no-seed"], .. Logging, .. settings,
        ];
        node.Process = SiloProcess.Start(node.HttpPort, workingDirectory, null, args);
        _processes.Add(node.Process);
        await node.Process.WaitUntilReadyAsync(StartTimeout);
        await WaitForStatusAsync(node, Active, StartTimeout);
        return node;
    }

    public async Task<Node> StartGatewayAsync(int? httpPort = null, int? grpcPort = null, params string[] settings)
    {
        var node = LaunchGateway(httpPort, grpcPort, settings);
        await node.Process.WaitUntilReadyAsync(StartTimeout);
        return node;
    }

    /// <summary>Starts a gateway without waiting for it to be ready.</summary>
    public Node LaunchGateway(int? httpPort = null, int? grpcPort = null, params string[] settings)
    {
        var node = new Node("gateway", httpPort ?? SiloProcess.FreeLoopbackPort(), grpcPort ?? SiloProcess.FreeLoopbackPort());
        string[] args = ["--connection-string", connectionString, "--grpc-port", Port(node.GrpcPort), .. Logging, .. settings];
        node.Process = SiloProcess.StartGateway(node.HttpPort, workingDirectory, args);
        _processes.Add(node.Process);
        return node;
    }

    /// <summary>Orleans's SiloStatus values as the membership table stores them.</summary>
    public const int Active = 3;

    public const int Dead = 6;

    /// <summary>Waits until Orleans's membership table shows the silo's latest incarnation in <paramref name="status"/>.</summary>
    public async Task WaitForStatusAsync(Node silo, int status, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (await StatusAsync(silo) != status)
        {
            await Task.Delay(50, deadline.Token);
        }
    }

    public async Task<int?> StatusAsync(Node silo) =>
        await Sql.ScalarAsync<int?>(connectionString,
            "select status from orleansmembershiptable where port = $1 order by generation desc limit 1", silo.SiloPort);

    /// <summary>A client of the gateways' gRPC ports, failing over among them, with the documented retry policy.</summary>
    public static PriceIngestClient Client(IEnumerable<Node> gateways, Action<RetryNotice>? onRetry = null) =>
        new([.. gateways.Select(g => new Uri(g.GrpcAddress))], new PriceIngestClientOptions
        {
            MaxAttempts = 6,
            RetryDelay = TimeSpan.FromMilliseconds(200),
            MaxRetryDelay = TimeSpan.FromSeconds(2),
            CallTimeout = TimeSpan.FromSeconds(30),
            OnRetry = onRetry,
        });

    /// <summary>A counter's value from a process's <c>GET /metrics</c>, summed over lines whose labels contain <paramref name="labelFilter"/>.</summary>
    public static async Task<double> MetricAsync(Node node, string name, string labelFilter = "")
    {
        var text = await node.Process.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        return MetricLine().Matches(text)
            .Where(m => m.Groups["name"].Value == name && m.Groups["labels"].Value.Contains(labelFilter, StringComparison.Ordinal))
            .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>The canonical SQL answer (recursive regions, every price of every lane per day, round(avg), null under 3).</summary>
    public async Task<List<(DateOnly Day, long? Average, int Count)>> SqlRatesAsync(string origin, string destination, DateOnly from, DateOnly to)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(PortsBetween + """
            select g.day::date, case when count(p.price) >= 3 then round(avg(p.price))::bigint end, count(p.price)::int
            from generate_series($3::date, $4::date, interval '1 day') as g(day)
            left join prices p on p.day = g.day::date
                and p.lane in (select (o.id::int << 16) | d.id from o, d where o.id <> d.id)
            group by g.day order by g.day
            """, connection);
        command.Parameters.Add(new() { Value = origin });
        command.Parameters.Add(new() { Value = destination });
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        var rows = new List<(DateOnly, long?, int)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetFieldValue<DateOnly>(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetInt32(2)));
        }

        return rows;
    }

    /// <summary>CTEs o(id) and d(id): the ports of place $1 and of place $2 (a port code, or a region and every region below it).</summary>
    public const string PortsBetween = """
            with recursive
                o_regions(slug) as (select slug from regions where slug = $1
                                    union select r.slug from regions r join o_regions t on r.parent_slug = t.slug),
                d_regions(slug) as (select slug from regions where slug = $2
                                    union select r.slug from regions r join d_regions t on r.parent_slug = t.slug),
                o(id) as (select id from ports where code = $1 or region_slug in (select slug from o_regions)),
                d(id) as (select id from ports where code = $2 or region_slug in (select slug from d_regions))

            """;

    /// <summary>
    /// The warnings and errors every process of this cluster logged (each with the lines under it,
    /// where the exception is), at most <paramref name="maxEntries"/>: what a failed assertion shows.
    /// </summary>
    public string LoggedProblems(int maxEntries = 40)
    {
        // Errors first: warnings (a silo leaving, a drain) are routine in these tests.
        var entries = new List<string>();
        foreach (var levels in (string[][])[["fail:", "crit:"], ["warn:"]])
        {
            foreach (var process in _processes)
            {
                Collect(process, levels);
            }
        }

        return entries.Count == 0 ? "(no process logged a warning or error)" : string.Join('\n', entries);

        void Collect(SiloProcess process, string[] levels)
        {
            var lines = process.Output.Split('\n');
            for (var i = 0; i < lines.Length && entries.Count < maxEntries; i++)
            {
                if (!levels.Any(level => lines[i].StartsWith(level, StringComparison.Ordinal)))
                {
                    continue;
                }

                var end = i + 1;
                while (end < lines.Length && end < i + 25 && lines[end].StartsWith(' '))
                {
                    end++;
                }

                entries.Add($"[pid {process.Pid}] " + string.Join('\n', lines[i..end]));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        try
        {
            Directory.Delete(workingDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(?<name>[a-z_]+)(?<labels>\{[^}]*\})? (?<value>[-0-9.eE+]+)$", RegexOptions.Multiline)]
    private static partial Regex MetricLine();

    /// <summary>One process of the cluster and its ports.</summary>
    internal sealed class Node(string kind, int httpPort, int grpcPort)
    {
        public string Kind { get; } = kind;

        public int HttpPort { get; } = httpPort;

        public int GrpcPort { get; } = grpcPort;

        /// <summary>A silo's Orleans silo-to-silo port (its key in the membership table); 0 for a gateway.</summary>
        public int SiloPort { get; init; }

        /// <summary>A silo's Orleans gateway port (where gateways connect); 0 for a gateway.</summary>
        public int GatewayPort { get; init; }

        public string GrpcAddress => $"http://127.0.0.1:{GrpcPort.ToString(CultureInfo.InvariantCulture)}";

        public SiloProcess Process { get; set; } = null!;
    }
}
