using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Serialization;
using Npgsql;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Failover;

/// <summary>
/// The production shape of docs/operations.md "Failover" on loopback: one etcd member and two
/// PostgreSQL nodes managed by Patroni (synchronous_mode, so a commit is on both before it returns),
/// every port free and random, every file in a throwaway folder. PostgreSQL and Patroni run as the
/// <c>postgres</c> account when this process is root (through <c>setpriv</c>, which execs, so the pid
/// we hold is Patroni's own). Every wait is bounded; dispose kills everything.
/// </summary>
internal sealed class PatroniCluster : IAsyncDisposable
{
    public const string Password = "failover-test";
    public const string Database = "prices";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly string BinDir = FindPostgresBin();

    private readonly string _root;
    private readonly int _etcdPort = SiloProcess.FreeLoopbackPort();
    private readonly int _etcdPeerPort = SiloProcess.FreeLoopbackPort();
    private readonly List<ManagedProcess> _processes = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private PatroniCluster(string root) => _root = root;

    public IReadOnlyList<Node> Nodes { get; private set; } = [];

    /// <summary>Both nodes, primary wherever it is now: what silos and gateways are given.</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = string.Join(',', Nodes.Select(n => $"127.0.0.1:{n.PostgresPort}")),
        Username = "postgres",
        Password = Password,
        Database = Database,
        TargetSessionAttributes = "primary",
        HostRecheckSeconds = 1,
    }.ConnectionString;

    /// <summary>Starts etcd and two Patroni nodes; returns once one leads and the other is its synchronous standby.</summary>
    public static async Task<PatroniCluster> StartAsync()
    {
        var root = Directory.CreateTempSubdirectory("priceingest-patroni-").FullName;
        var cluster = new PatroniCluster(root);
        try
        {
            await cluster.StartEtcdAsync();
            cluster.Nodes = [cluster.NewNode("n1"), cluster.NewNode("n2")];
            await GiveToPostgresAsync(root);
            foreach (var node in cluster.Nodes)
            {
                node.Process = cluster.Launch("patroni " + node.Name, "patroni", [node.ConfigPath]);
                if (node.Name == "n1")
                {
                    // The first node bootstraps alone; the second then clones it.
                    await cluster.WaitForAsync(m => m.Any(x => x.Role == "leader" && x.State == "running"), "n1 to lead");
                }
            }

            await cluster.WaitForAsync(m => m.Any(x => x.Role == "sync_standby" && x.State is "running" or "streaming"), "a synchronous standby");
            await using var connection = new NpgsqlConnection(AdminConnectionString(await cluster.LeaderAsync()));
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"create database {Database}", connection);
            await create.ExecuteNonQueryAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The node Patroni's REST API names leader now.</summary>
    public async Task<Node> LeaderAsync()
    {
        var members = await MembersAsync() ?? throw new InvalidOperationException("no Patroni node answers");
        var name = members.Single(m => m.Role == "leader").Name;
        return Nodes.Single(n => n.Name == name);
    }

    /// <summary>
    /// kill -9 of the node's Patroni and of its postmaster with every backend, at once: the machine
    /// is gone. (Killing the postmaster alone, Patroni restarts it in place and nothing fails over.)
    /// </summary>
    public static void Kill(Node node)
    {
        var postmaster = int.Parse(File.ReadLines(Path.Combine(node.DataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        int[] victims = [node.Process!.Pid, postmaster, .. ChildrenOf(postmaster)];
        foreach (var pid in victims)
        {
            try
            {
                Process.GetProcessById(pid).Kill();
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }
    }

    /// <summary>Waits until a node other than <paramref name="old"/> leads and accepts writes; returns it.</summary>
    public async Task<Node> WaitForNewLeaderAsync(Node old)
    {
        await WaitForAsync(m => m.Any(x => x.Role == "leader" && x.Name != old.Name && x.State == "running"), "a new leader");
        return await LeaderAsync();
    }

    /// <summary>
    /// Starts the killed node's Patroni again, as an operator restarting the machine would: it
    /// rewinds the old timeline (use_pg_rewind) and follows the new leader. Returns once it is the
    /// synchronous standby again.
    /// </summary>
    public async Task RejoinAsync(Node old)
    {
        old.Process = Launch("patroni " + old.Name + " (rejoined)", "patroni", [old.ConfigPath]);
        await WaitForAsync(m => m.Any(x => x.Name == old.Name && x.Role == "sync_standby" && x.State is "running" or "streaming"), old.Name + " to rejoin as synchronous standby");
    }

    public static string AdminConnectionString(Node node, string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = node.PostgresPort,
        Username = "postgres",
        Password = Password,
        Database = database,
        Pooling = false,
    }.ConnectionString;

    /// <summary>What every process logged, for assertion messages.</summary>
    public string Logs(int lines = 40) =>
        string.Join('\n', _processes.Select(p => $"--- {p.Name} ---\n" + string.Join('\n', p.Output.Split('\n').TakeLast(lines))));

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            if (File.Exists(Path.Combine(node.DataDirectory, "postmaster.pid")) && node.Process is { HasExited: false })
            {
                Kill(node);
            }
        }

        foreach (var process in _processes)
        {
            process.Dispose();
        }

        _http.Dispose();
        await Task.Delay(200);
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task StartEtcdAsync()
    {
        var client = $"http://127.0.0.1:{_etcdPort}";
        var peer = $"http://127.0.0.1:{_etcdPeerPort}";
        Directory.CreateDirectory(Path.Combine(_root, "etcd"));
        await GiveToPostgresAsync(_root);
        Launch("etcd", "etcd",
        [
            "--name", "e1", "--data-dir", Path.Combine(_root, "etcd"), "--listen-client-urls", client, "--advertise-client-urls", client,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", $"e1={peer}",
        ]);
        using var deadline = new CancellationTokenSource(StartTimeout);
        while (true)
        {
            try
            {
                using var response = await _http.GetAsync(new Uri($"{client}/health"), deadline.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200, deadline.Token);
        }
    }

    private Node NewNode(string name)
    {
        var node = new Node(name, Path.Combine(_root, name), SiloProcess.FreeLoopbackPort(), SiloProcess.FreeLoopbackPort());
        Directory.CreateDirectory(node.Folder);
        // Patroni's configuration, YAML (JSON is YAML). ttl 10 / loop_wait 1: the standby takes over
        // about 10 s after the leader stops renewing its key; docs/operations.md "Failover".
        var config = new
        {
            scope = "priceingest",
            name,
            restapi = new { listen = $"127.0.0.1:{node.RestPort}", connect_address = $"127.0.0.1:{node.RestPort}" },
            etcd3 = new { hosts = $"127.0.0.1:{_etcdPort}" },
            bootstrap = new
            {
                dcs = new
                {
                    ttl = 10,
                    loop_wait = 1,
                    retry_timeout = 4,
                    maximum_lag_on_failover = 1048576,
                    synchronous_mode = true,
                    postgresql = new { use_pg_rewind = true, parameters = new { wal_log_hints = "on", max_connections = 200 } },
                },
                initdb = new object[] { new { encoding = "UTF8" }, "no-locale" },
                pg_hba = new[]
                {
                    "local all all trust",
                    "host replication postgres 127.0.0.1/32 scram-sha-256",
                    "host all all 127.0.0.1/32 scram-sha-256",
                },
            },
            postgresql = new
            {
                listen = $"127.0.0.1:{node.PostgresPort}",
                connect_address = $"127.0.0.1:{node.PostgresPort}",
                data_dir = node.DataDirectory,
                bin_dir = BinDir,
                pgpass = Path.Combine(node.Folder, "pgpass"),
                authentication = new
                {
                    replication = new { username = "postgres", password = Password },
                    superuser = new { username = "postgres", password = Password },
                    rewind = new { username = "postgres", password = Password },
                },
                parameters = new { unix_socket_directories = node.Folder },
            },
        };
        File.WriteAllText(node.ConfigPath, System.Text.Json.JsonSerializer.Serialize(config));
        return node;
    }

    private ManagedProcess Launch(string name, string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _root };
        if (Environment.UserName == "root")
        {
            start.FileName = "setpriv";
            foreach (var a in (string[])["--reuid=postgres", "--regid=postgres", "--init-groups", "--", program, .. arguments])
            {
                start.ArgumentList.Add(a);
            }
        }
        else
        {
            start.FileName = program;
            foreach (var a in arguments)
            {
                start.ArgumentList.Add(a);
            }
        }

        var process = new ManagedProcess(name, Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start"));
        _processes.Add(process);
        return process;
    }

    private async Task WaitForAsync(Func<IReadOnlyList<Member>, bool> condition, string what)
    {
        using var deadline = new CancellationTokenSource(StartTimeout);
        try
        {
            while (await MembersAsync() is not { } members || !condition(members))
            {
                await Task.Delay(200, deadline.Token);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"waited {StartTimeout.TotalSeconds:0} s for {what}\n{Logs()}");
        }
    }

    /// <summary>The members as any live node's REST API lists them, or null when none answers.</summary>
    private async Task<IReadOnlyList<Member>?> MembersAsync()
    {
        foreach (var node in Nodes)
        {
            try
            {
                var cluster = await _http.GetFromJsonAsync<ClusterView>(new Uri($"http://127.0.0.1:{node.RestPort}/cluster"));
                if (cluster?.Members is { } members)
                {
                    return members;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
        }

        return null;
    }

    private static IEnumerable<int> ChildrenOf(int parent) =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && ParentOf(pid) == parent);

    private static int ParentOf(int pid)
    {
        try
        {
            // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static async Task GiveToPostgresAsync(string path)
    {
        if (Environment.UserName != "root")
        {
            return;
        }

        using var chown = Process.Start("chown", ["-R", "postgres:", path]);
        await chown.WaitForExitAsync();
        using var chmod = Process.Start("chmod", ["0755", path]);
        await chmod.WaitForExitAsync();
    }

    private static string FindPostgresBin() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "pg_ctl"))).Max(StringComparer.Ordinal)
              ?? throw new InvalidOperationException("no PostgreSQL server under /usr/lib/postgresql")
            : throw new InvalidOperationException("no PostgreSQL server under /usr/lib/postgresql (scripts/install-test-deps.sh installs it)");

    public sealed class Node(string name, string folder, int postgresPort, int restPort)
    {
        public string Name => name;

        public string Folder => folder;

        public string DataDirectory => Path.Combine(folder, "data");

        public string ConfigPath => Path.Combine(folder, "patroni.yml");

        public int PostgresPort => postgresPort;

        public int RestPort => restPort;

        internal ManagedProcess? Process { get; set; }
    }

    internal sealed class ManagedProcess : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        public ManagedProcess(string name, Process process)
        {
            Name = name;
            _process = process;
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public string Name { get; }

        public int Pid => _process.Id;

        public bool HasExited => _process.HasExited;

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public void Dispose()
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }

            _process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private sealed record ClusterView([property: JsonPropertyName("members")] List<Member>? Members);

    private sealed record Member(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("role")] string Role,
        [property: JsonPropertyName("state")] string State);
}
