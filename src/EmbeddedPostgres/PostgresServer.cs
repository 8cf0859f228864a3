using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PriceIngest.EmbeddedPostgres;

/// <summary>
/// A private PostgreSQL server, started with <see cref="StartAsync"/> and listening on 127.0.0.1 only.
/// Every connection (TCP or the Unix socket in the data folder's private <c>sockets</c> folder) needs
/// the <c>postgres</c> superuser's password (scram-sha-256), generated for the cluster and kept in
/// <c>priceingest.pgpass</c> in the data folder (mode 0600); there are no trust lines.
/// </summary>
/// <remarks>
/// When this process is root, the server runs as the <c>postgres</c> account. A server found already
/// running on a kept data folder (e.g. left over after a crash) is stopped and started again with the
/// requested options. The server log is <c>log/server.log</c> in the data folder and the Unix socket
/// lives in its <c>sockets</c> folder.
/// </remarks>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>Bound for the clean-up run when the process exits without disposing the server.</summary>
    private static readonly TimeSpan ProcessExitCleanupTimeout = TimeSpan.FromSeconds(30);

    private readonly LaunchedServer _launched;
    private readonly ClusterControl _control;
    private readonly bool _throwaway;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _stopLock = new(1, 1);
    private bool _stopped;
    private int _disposed;

    private PostgresServer(LaunchedServer launched, string database, ILogger logger)
    {
        _launched = launched;
        _control = launched.Control;
        _throwaway = launched.Throwaway;
        _logger = logger;
        Port = launched.Port;
        ConnectionString = DatabaseAdmin.ConnectionString(Port, _control.Layout.PassFile, database);

        // Best effort for hosts that exit without disposing (not possible after SIGKILL).
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>
    /// Npgsql connection string for <see cref="PostgresServerOptions.Database"/>: Host=127.0.0.1, the
    /// port, Username=postgres, and the password file (<c>Passfile</c>) rather than the password.
    /// </summary>
    public string ConnectionString { get; }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The absolute path of the data folder.</summary>
    public string DataDirectory => _control.Layout.DataDirectory;

    /// <summary>
    /// Starts a server (running initdb first if the folder holds no cluster) and returns once a real
    /// connection succeeded and the database exists.
    /// </summary>
    /// <exception cref="PostgresServerException">
    /// Binaries not found, initdb or start-up failed, or not ready within
    /// <see cref="PostgresServerOptions.StartTimeout"/>; the message ends with the tail of the server log.
    /// </exception>
    public static async Task<PostgresServer> StartAsync(PostgresServerOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        logger ??= NullLogger.Instance;
        var launched = await ServerLauncher.LaunchAsync(options, logger, cancellationToken);
        return new PostgresServer(launched, options.Database, logger);
    }

    /// <summary>True while a postmaster runs on the data folder (read from its pid file and /proc).</summary>
    public bool IsRunning => _control.RunningPostmasterPid() is not null;

    /// <summary>
    /// Starts the server again, on the same folder and port, if it died (killed, crashed, out of
    /// memory); false when it runs, or was stopped or disposed on purpose.
    /// </summary>
    /// <exception cref="PostgresServerException">It could not be started (e.g. its port was taken meanwhile).</exception>
    public async Task<bool> RestartIfDeadAsync(CancellationToken cancellationToken = default)
    {
        await _stopLock.WaitAsync(cancellationToken);
        try
        {
            if (_stopped || Volatile.Read(ref _disposed) != 0 || IsRunning)
            {
                return false;
            }

            await ServerLauncher.RelaunchAsync(_launched, _logger, cancellationToken);
            return true;
        }
        finally
        {
            _stopLock.Release();
        }
    }

    /// <summary>Creates the database unless it exists, and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        PostgresServerOptions.ValidateDatabaseName(name, nameof(name));
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_stopped)
        {
            throw new InvalidOperationException("The PostgreSQL server has been stopped.");
        }

        if (await DatabaseAdmin.EnsureDatabaseAsync(Port, _control.Layout.PassFile, name, cancellationToken))
        {
            Log.DatabaseCreated(_logger, name);
        }

        return DatabaseAdmin.ConnectionString(Port, _control.Layout.PassFile, name);
    }

    /// <summary>
    /// Stops the server (pg_ctl stop -m fast; immediate shutdown, then SIGKILL, if that fails).
    /// Idempotent. The data folder is kept; only <see cref="DisposeAsync"/> deletes a throwaway folder.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _stopLock.WaitAsync(cancellationToken);
        try
        {
            if (_stopped)
            {
                return;
            }

            Log.Stopping(_logger, Port, DataDirectory);
            await _control.StopOwnAsync(cancellationToken);
            _stopped = true;
            Log.Stopped(_logger, Port);
        }
        finally
        {
            _stopLock.Release();
        }
    }

    /// <summary>Stops the server, then deletes the data folder if it was a throwaway one.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;

        // If stopping fails this throws and the folder is kept for inspection.
        await StopAsync(CancellationToken.None);
        if (_throwaway)
        {
            ThrowawayFolder.Delete(DataDirectory, _logger);
        }
    }

    private void OnProcessExit(object? sender, EventArgs e)
    {
        try
        {
            DisposeAsync().AsTask().Wait(ProcessExitCleanupTimeout);
        }
        catch (AggregateException exception)
        {
            Log.CleanupFailed(_logger, DataDirectory, exception);
        }
    }
}
