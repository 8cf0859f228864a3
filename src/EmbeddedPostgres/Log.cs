using Microsoft.Extensions.Logging;

namespace PriceIngest.EmbeddedPostgres;

/// <summary>Log messages of this library (event ids 1100-1199). No message contains credentials.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1100, EventName = "PostgresBinariesLocated", Level = LogLevel.Debug,
        Message = "Using PostgreSQL binaries in {BinDirectory}")]
    public static partial void BinariesLocated(ILogger logger, string binDirectory);

    [LoggerMessage(EventId = 1101, EventName = "PostgresRunningAs", Level = LogLevel.Debug,
        Message = "Running as root: PostgreSQL runs as the {UserName} account")]
    public static partial void RunningAs(ILogger logger, string userName);

    [LoggerMessage(EventId = 1102, EventName = "PostgresInitializing", Level = LogLevel.Information,
        Message = "Initializing a PostgreSQL cluster in {DataDirectory}")]
    public static partial void Initializing(ILogger logger, string dataDirectory);

    [LoggerMessage(EventId = 1103, EventName = "PostgresInitialized", Level = LogLevel.Debug,
        Message = "Initialized {DataDirectory} in {ElapsedMilliseconds} ms")]
    public static partial void Initialized(ILogger logger, string dataDirectory, long elapsedMilliseconds);

    [LoggerMessage(EventId = 1104, EventName = "PostgresLeftoverServerStopping", Level = LogLevel.Warning,
        Message = "A PostgreSQL server (pid {Pid}) is already running on {DataDirectory}; stopping it to start with the requested configuration")]
    public static partial void LeftoverServerStopping(ILogger logger, int pid, string dataDirectory);

    [LoggerMessage(EventId = 1105, EventName = "PostgresStalePidFile", Level = LogLevel.Warning,
        Message = "Removing stale postmaster.pid of {DataDirectory}: pid {Pid} is not a server of this folder")]
    public static partial void StalePidFile(ILogger logger, string dataDirectory, int pid);

    [LoggerMessage(EventId = 1106, EventName = "PostgresOrphanKilled", Level = LogLevel.Warning,
        Message = "Killed leftover PostgreSQL process {Pid} of {DataDirectory} (its postmaster is gone)")]
    public static partial void OrphanKilled(ILogger logger, int pid, string dataDirectory);

    [LoggerMessage(EventId = 1107, EventName = "PostgresPortTaken", Level = LogLevel.Warning,
        Message = "Port {Port} was taken before PostgreSQL could bind it; trying another port")]
    public static partial void PortTaken(ILogger logger, int port);

    [LoggerMessage(EventId = 1108, EventName = "PostgresStarted", Level = LogLevel.Information,
        Message = "PostgreSQL listening on 127.0.0.1:{Port}, data directory {DataDirectory}, started in {ElapsedMilliseconds} ms")]
    public static partial void Started(ILogger logger, int port, string dataDirectory, long elapsedMilliseconds);

    [LoggerMessage(EventId = 1109, EventName = "PostgresStopping", Level = LogLevel.Information,
        Message = "Stopping PostgreSQL on port {Port} ({DataDirectory})")]
    public static partial void Stopping(ILogger logger, int port, string dataDirectory);

    [LoggerMessage(EventId = 1110, EventName = "PostgresStopped", Level = LogLevel.Debug,
        Message = "PostgreSQL on port {Port} stopped")]
    public static partial void Stopped(ILogger logger, int port);

    [LoggerMessage(EventId = 1111, EventName = "PostgresStopAttemptFailed", Level = LogLevel.Warning,
        Message = "pg_ctl stop -m {Mode} did not stop the server of {DataDirectory}: {Details}")]
    public static partial void StopAttemptFailed(ILogger logger, string mode, string dataDirectory, string details);

    [LoggerMessage(EventId = 1112, EventName = "PostgresPostmasterKilled", Level = LogLevel.Warning,
        Message = "Killed the postmaster (pid {Pid}) of {DataDirectory} after pg_ctl could not stop it")]
    public static partial void PostmasterKilled(ILogger logger, int pid, string dataDirectory);

    [LoggerMessage(EventId = 1113, EventName = "PostgresDatabaseCreated", Level = LogLevel.Debug,
        Message = "Created database {Database}")]
    public static partial void DatabaseCreated(ILogger logger, string database);

    [LoggerMessage(EventId = 1114, EventName = "PostgresThrowawayDeleteFailed", Level = LogLevel.Warning,
        Message = "Could not delete the throwaway data directory {DataDirectory}")]
    public static partial void ThrowawayDeleteFailed(ILogger logger, string dataDirectory, Exception exception);

    [LoggerMessage(EventId = 1115, EventName = "PostgresCleanupFailed", Level = LogLevel.Warning,
        Message = "Cleaning up PostgreSQL in {DataDirectory} failed")]
    public static partial void CleanupFailed(ILogger logger, string dataDirectory, Exception exception);

    [LoggerMessage(EventId = 1116, EventName = "PostgresUnixSocketsDisabled", Level = LogLevel.Debug,
        Message = "The data directory path {DataDirectory} is too long for a Unix socket path; Unix sockets are off (TCP only)")]
    public static partial void UnixSocketsDisabled(ILogger logger, string dataDirectory);

    [LoggerMessage(EventId = 1117, EventName = "PostgresServerSuperseded", Level = LogLevel.Warning,
        Message = "Not stopping the server of {DataDirectory}: our postmaster (pid {OwnPid}) is gone and another start (pid {CurrentPid}) owns the folder now")]
    public static partial void ServerSuperseded(ILogger logger, string dataDirectory, int ownPid, int currentPid);

    [LoggerMessage(EventId = 1118, EventName = "PostgresPasswordGenerated", Level = LogLevel.Information,
        Message = "Generated the superuser's password; it is kept in {PassFile} (mode 0600) and connection strings name that file")]
    public static partial void PasswordGenerated(ILogger logger, string passFile);
}
