using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace PriceIngest.EmbeddedPostgres;

/// <summary>
/// The start-up sequence: locate binaries, prepare (and if needed initdb) the data folder, stop any
/// server still running on it, start on a free port (retrying on a port race), wait for a real
/// connection and create the database. A failed start leaves no process behind (and no throwaway folder).
/// </summary>
internal static class ServerLauncher
{
    private const int PortAttempts = 5;
    private static readonly TimeSpan FileStepTimeout = TimeSpan.FromSeconds(15);

    public static async Task<LaunchedServer> LaunchAsync(PostgresServerOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var deadline = new Deadline(options.StartTimeout);
        var binaries = await PostgresBinaries.LocateAsync(options.BinDirectory, cancellationToken);
        Log.BinariesLocated(logger, binaries.BinDirectory);
        var account = ServerAccount.Detect();
        if (account.UserName is not null)
        {
            Log.RunningAs(logger, account.UserName);
        }

        var throwaway = options.DataDirectory is null;
        var layout = new DataDirectoryLayout(options.DataDirectory ?? NewThrowawayPath());
        var control = new ClusterControl(binaries, account, layout, logger);
        // Exception messages quote only what the server logged during this start (no older statements).
        var logOffset = ServerLogFile.Length(layout.LogFile);
        try
        {
            await PrepareDataDirectoryAsync(control, options, deadline, logger, cancellationToken);

            if (control.RunningPostmasterPid() is { } leftover)
            {
                // A server still running on a kept folder (e.g. after our process crashed) is stopped,
                // not reused: the requested port and settings must apply.
                Log.LeftoverServerStopping(logger, leftover, layout.DataDirectory);
            }

            await control.EnsureStoppedAsync(cancellationToken);
            ClearSocketDirectory(layout);
            await SuperuserCredentials.EnsureAsync(control, deadline.Next(FileStepTimeout), logger, cancellationToken);

            var port = await StartOnFreePortAsync(control, options, deadline, logger, cancellationToken);
            await DatabaseAdmin.WaitUntilAcceptingAsync(port, layout.PassFile, deadline, cancellationToken);
            if (await DatabaseAdmin.EnsureDatabaseAsync(port, layout.PassFile, options.Database, cancellationToken))
            {
                Log.DatabaseCreated(logger, options.Database);
            }

            Log.Started(logger, port, layout.DataDirectory, (long)deadline.Elapsed.TotalMilliseconds);
            return new LaunchedServer(control, options, port, throwaway);
        }
        catch (Exception e)
        {
            await CleanUpFailedStartAsync(control, throwaway, logger);
            if (e is TimeoutException or NpgsqlException)
            {
                throw new PostgresServerException(
                    string.Create(CultureInfo.InvariantCulture, $"PostgreSQL in {layout.DataDirectory} did not become ready within {options.StartTimeout.TotalSeconds:0.0#} s: {e.Message}") +
                    $"{Environment.NewLine}{ServerLogFile.Tail(layout.LogFile, logOffset)}",
                    e);
            }

            throw;
        }
    }

    /// <summary>
    /// Starts a server that died (killed, crashed) again on its folder and port: leftovers of the dead
    /// one (orphaned backends, a stale pid file, socket locks) are cleared first.
    /// </summary>
    public static async Task RelaunchAsync(LaunchedServer launched, ILogger logger, CancellationToken cancellationToken)
    {
        var deadline = new Deadline(launched.Options.StartTimeout);
        var control = launched.Control;
        await control.EnsureStoppedAsync(cancellationToken);
        ClearSocketDirectory(control.Layout);
        await StartOnFreePortAsync(control, launched.Options with { Port = launched.Port }, deadline, logger, cancellationToken);
        await DatabaseAdmin.WaitUntilAcceptingAsync(launched.Port, control.Layout.PassFile, deadline, cancellationToken);
    }

    private static async Task PrepareDataDirectoryAsync(
        ClusterControl control, PostgresServerOptions options, Deadline deadline, ILogger logger, CancellationToken cancellationToken)
    {
        var layout = control.Layout;
        var account = control.Account;
        var created = !Directory.Exists(layout.DataDirectory);
        Directory.CreateDirectory(layout.DataDirectory);

        if (!layout.IsInitialized)
        {
            if (!layout.IsEmptyOrMissing)
            {
                throw new PostgresServerException(
                    $"{layout.DataDirectory} is not empty but holds no PostgreSQL cluster (no PG_VERSION); refusing to initialise it.");
            }

            await account.GiveOwnershipAsync([layout.DataDirectory], deadline.Next(FileStepTimeout), cancellationToken);
            await account.EnsureCanWriteAsync(layout.DataDirectory, deadline.Next(FileStepTimeout), cancellationToken);
            Log.Initializing(logger, layout.DataDirectory);
            var initStarted = deadline.Elapsed;
            await control.InitDbAsync(options.Durable, deadline.Next(), cancellationToken);
            Log.Initialized(logger, layout.DataDirectory, (long)(deadline.Elapsed - initStarted).TotalMilliseconds);
        }
        else if (!created)
        {
            await account.EnsureCanWriteAsync(layout.DataDirectory, deadline.Next(FileStepTimeout), cancellationToken);
        }

        ServerConfiguration.EnsureIncluded(layout);
        await File.WriteAllTextAsync(layout.HbaFile, ServerConfiguration.HostBasedAuthentication, cancellationToken);
        Directory.CreateDirectory(layout.LogDirectory);
        Directory.CreateDirectory(layout.SocketDirectory);
        ServerLogFile.RotateIfLarge(layout.LogFile);
        if (!File.Exists(layout.IncludeFile))
        {
            await File.WriteAllTextAsync(layout.IncludeFile, string.Empty, cancellationToken);
        }

        if (layout.SocketDirectorySetting.Length == 0)
        {
            Log.UnixSocketsDisabled(logger, layout.DataDirectory);
        }

        // Rewriting an existing file later keeps this owner.
        await account.GiveOwnershipAsync(
            [layout.LogDirectory, layout.SocketDirectory, layout.IncludeFile], deadline.Next(FileStepTimeout), cancellationToken);
    }

    private static async Task<int> StartOnFreePortAsync(
        ClusterControl control, PostgresServerOptions options, Deadline deadline, ILogger logger, CancellationToken cancellationToken)
    {
        var layout = control.Layout;
        for (var attempt = 1; ; attempt++)
        {
            var port = options.Port != 0 ? options.Port : FreePort.Pick();
            await File.WriteAllTextAsync(layout.IncludeFile, ServerConfiguration.Render(options, layout, port), cancellationToken);
            var logOffset = ServerLogFile.Length(layout.LogFile);

            var result = await control.StartAsync(port, deadline.Next(), cancellationToken);
            if (result.Succeeded)
            {
                return port;
            }

            var tail = ServerLogFile.Tail(layout.LogFile, logOffset);

            // pg_ctl may have stopped waiting while the server is still starting.
            await control.EnsureStoppedAsync(cancellationToken);

            if (options.Port == 0 && attempt < PortAttempts && IsPortConflict(tail))
            {
                Log.PortTaken(logger, port);
                continue;
            }

            throw new PostgresServerException(
                $"PostgreSQL did not start on 127.0.0.1:{port} (data directory {layout.DataDirectory}). {result.Describe()}{Environment.NewLine}{tail}");
        }
    }

    private static bool IsPortConflict(string serverLog) =>
        serverLog.Contains("Address already in use", StringComparison.Ordinal)
        || serverLog.Contains("could not create any TCP/IP sockets", StringComparison.Ordinal);

    /// <summary>Socket lock files of a killed server could name a pid that has been reused since.</summary>
    private static void ClearSocketDirectory(DataDirectoryLayout layout)
    {
        foreach (var file in Directory.EnumerateFiles(layout.SocketDirectory, ".s.PGSQL.*"))
        {
            File.Delete(file);
        }
    }

    private static async Task CleanUpFailedStartAsync(ClusterControl control, bool throwaway, ILogger logger)
    {
        try
        {
            if (Directory.Exists(control.Layout.DataDirectory))
            {
                await control.EnsureStoppedAsync(CancellationToken.None);
                if (throwaway)
                {
                    ThrowawayFolder.Delete(control.Layout.DataDirectory, logger);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PostgresServerException or TimeoutException)
        {
            Log.CleanupFailed(logger, control.Layout.DataDirectory, e);
        }
    }

    private static string NewThrowawayPath() =>
        Path.Combine(Path.GetTempPath(), $"priceingest-pg-{Environment.ProcessId}-{RandomNumberGenerator.GetHexString(8, lowercase: true)}");
}
