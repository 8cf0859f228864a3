using System.Globalization;
using Microsoft.Extensions.Logging;

namespace PriceIngest.EmbeddedPostgres;

/// <summary>initdb and pg_ctl for one data folder, run as the server account with bounded time.</summary>
internal sealed class ClusterControl(PostgresBinaries binaries, ServerAccount account, DataDirectoryLayout layout, ILogger logger)
{
    /// <summary>Time for a fast shutdown (it writes a checkpoint of up to shared_buffers).</summary>
    private static readonly TimeSpan FastStopTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ImmediateStopTimeout = TimeSpan.FromSeconds(20);

    /// <summary>How long children of a dead postmaster get to notice and exit before they are killed.</summary>
    private static readonly TimeSpan OrphanGracePeriod = TimeSpan.FromSeconds(10);

    /// <summary>Slack for pg_ctl itself on top of its own -t wait.</summary>
    private static readonly TimeSpan PgCtlSlack = TimeSpan.FromSeconds(10);

    private string? _canonicalDataDirectory;

    public DataDirectoryLayout Layout => layout;

    public ServerAccount Account => account;

    private string CanonicalDataDirectory => _canonicalDataDirectory ??= FileSystemPaths.Canonical(layout.DataDirectory);

    public async Task InitDbAsync(bool durable, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // initdb's trust lines never serve a connection: pg_hba.conf is replaced before the first
        // start, and the password is set in single-user mode (SuperuserCredentials).
        List<string> arguments = ["-D", layout.DataDirectory, "-U", DatabaseAdmin.SuperUser, "--auth=trust", "-E", "UTF8", "--no-locale"];
        if (!durable)
        {
            arguments.Add("--no-sync");
        }

        var result = await RunAsync("initdb", binaries.InitDb, arguments, timeout, cancellationToken);
        if (!result.Succeeded)
        {
            throw new PostgresServerException($"initdb failed for {layout.DataDirectory}. {result.Describe()}");
        }
    }

    /// <summary>
    /// Sets the superuser's password in single-user mode (the server must be stopped), so that no
    /// authentication rule has to let anyone in without one first. The statement goes through stdin.
    /// </summary>
    public async Task SetSuperuserPasswordAsync(string password, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync(
            account.Command("postgres --single", binaries.Postgres, ["--single", "-D", layout.DataDirectory, "postgres"],
                $"ALTER ROLE {DatabaseAdmin.SuperUser} PASSWORD '{password}'\n"),
            timeout,
            cancellationToken);

        // Single-user mode reports a failed statement on stderr and still exits 0.
        if (!result.Succeeded || result.StandardError.Contains("ERROR:", StringComparison.Ordinal))
        {
            throw new PostgresServerException($"Could not set the superuser's password in {layout.DataDirectory} (postgres --single exited with code {result.ExitCode}).");
        }
    }

    /// <summary>pg_ctl start -w: returns once the server is ready, or has failed, or the time is up.</summary>
    /// <remarks>
    /// Port and listen address are also given on the command line, which beats postgresql.auto.conf:
    /// an ALTER SYSTEM can neither move the port nor expose the trusting server beyond loopback.
    /// </remarks>
    public async Task<ProcessResult> StartAsync(int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var serverOptions = string.Create(CultureInfo.InvariantCulture, $"-p {port} -c listen_addresses=127.0.0.1");
        var result = await RunAsync(
            "pg_ctl start",
            binaries.PgCtl,
            ["start", "-D", layout.DataDirectory, "-l", layout.LogFile, "-o", serverOptions, "-w", "-t", Seconds(timeout)],
            timeout + PgCtlSlack,
            cancellationToken);
        StartedPid = result.Succeeded ? RunningPostmasterPid() : null;
        return result;
    }

    /// <summary>
    /// Stops the server this instance started. If another instance has meanwhile restarted the kept
    /// folder (after stopping or losing ours), that server is left alone.
    /// </summary>
    public async Task StopOwnAsync(CancellationToken cancellationToken)
    {
        if (StartedPid is { } mine && RunningPostmasterPid() is { } current && current != mine)
        {
            Log.ServerSuperseded(logger, layout.DataDirectory, mine, current);
            return;
        }

        await EnsureStoppedAsync(cancellationToken);
    }

    /// <summary>The postmaster this instance started, once <see cref="StartAsync"/> succeeded.</summary>
    public int? StartedPid { get; private set; }

    /// <summary>The pid of a live postmaster of this folder, or <c>null</c>.</summary>
    public int? RunningPostmasterPid() =>
        ServerProcesses.ReadPostmasterPid(layout.PidFile) is { } pid && ServerProcesses.IsRunningIn(pid, CanonicalDataDirectory) ? pid : null;

    /// <summary>
    /// Returns when no process of this cluster is left: fast shutdown, else immediate shutdown, else
    /// SIGKILL; then waits for (and finally kills) children a killed postmaster left behind, which would
    /// otherwise keep the old shared memory attached and block the next start. Removes a stale pid file.
    /// </summary>
    public async Task EnsureStoppedAsync(CancellationToken cancellationToken)
    {
        var pidInFile = ServerProcesses.ReadPostmasterPid(layout.PidFile);
        if (pidInFile is { } pid)
        {
            if (ServerProcesses.IsRunningIn(pid, CanonicalDataDirectory))
            {
                if (!await TryPgCtlStopAsync("fast", FastStopTimeout, cancellationToken)
                    && !await TryPgCtlStopAsync("immediate", ImmediateStopTimeout, cancellationToken)
                    && ServerProcesses.Kill(pid))
                {
                    Log.PostmasterKilled(logger, pid, layout.DataDirectory);
                }
            }
            else
            {
                Log.StalePidFile(logger, layout.DataDirectory, pid);
            }
        }

        await EndOrphansAsync(cancellationToken);

        // Still there only if the postmaster died without cleaning up; PostgreSQL would trust a reused pid.
        if (pidInFile is not null && File.Exists(layout.PidFile) && RunningPostmasterPid() is null)
        {
            File.Delete(layout.PidFile);
        }
    }

    private async Task<bool> TryPgCtlStopAsync(string mode, TimeSpan timeout, CancellationToken cancellationToken)
    {
        string details;
        try
        {
            var result = await RunAsync(
                $"pg_ctl stop -m {mode}",
                binaries.PgCtl,
                ["stop", "-D", layout.DataDirectory, "-m", mode, "-w", "-t", Seconds(timeout)],
                timeout + PgCtlSlack,
                cancellationToken);
            if (result.Succeeded || RunningPostmasterPid() is null)
            {
                return true;
            }

            details = result.Describe();
        }
        catch (TimeoutException e)
        {
            details = e.Message;
        }

        Log.StopAttemptFailed(logger, mode, layout.DataDirectory, details);
        return false;
    }

    private async Task EndOrphansAsync(CancellationToken cancellationToken)
    {
        var killAfter = DateTime.UtcNow + OrphanGracePeriod;
        var giveUpAfter = killAfter + TimeSpan.FromSeconds(5);
        while (ServerProcesses.FindIn(CanonicalDataDirectory) is { Count: > 0 } pids)
        {
            var now = DateTime.UtcNow;
            if (now > giveUpAfter)
            {
                throw new PostgresServerException(
                    $"Processes {string.Join(", ", pids)} still run in {layout.DataDirectory} and could not be killed.");
            }

            if (now > killAfter)
            {
                foreach (var pid in pids.Where(ServerProcesses.Kill))
                {
                    Log.OrphanKilled(logger, pid, layout.DataDirectory);
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }

    private Task<ProcessResult> RunAsync(string name, string fileName, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync(account.Command(name, fileName, arguments), timeout, cancellationToken);

    private static string Seconds(TimeSpan timeout) =>
        Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
