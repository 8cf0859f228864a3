using System.Diagnostics.CodeAnalysis;
using Npgsql;

namespace PriceIngest.EmbeddedPostgres;

/// <summary>Connection strings, readiness check and database creation.</summary>
internal static class DatabaseAdmin
{
    /// <summary>The superuser initdb creates (-U).</summary>
    public const string SuperUser = "postgres";

    private const string MaintenanceDatabase = "postgres";

    /// <summary>
    /// The password is read from <paramref name="passFile"/> (see <see cref="SuperuserCredentials"/>):
    /// nothing secret is in these strings, so they may be printed and logged.
    /// </summary>
    public static string ConnectionString(int port, string passFile, string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Database = database,
            Username = SuperUser,
            Passfile = passFile,
        }.ConnectionString;

    /// <summary>Opens a real connection, retrying until the server accepts it or the deadline passes.</summary>
    public static async Task WaitUntilAcceptingAsync(int port, string passFile, Deadline deadline, CancellationToken cancellationToken)
    {
        var connectionString = AdminConnectionString(port, passFile);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException e) when (e is not PostgresException { SqlState: PostgresErrorCodes.InvalidPassword } && deadline.Remaining > TimeSpan.Zero && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }
        }
    }

    /// <summary>Creates the database unless it exists; true when this call created it.</summary>
    public static async Task<bool> EnsureDatabaseAsync(int port, string passFile, string name, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString(port, passFile));
        await connection.OpenAsync(cancellationToken);

        await using (var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", connection))
        {
            exists.Parameters.Add(new NpgsqlParameter { Value = name });
            if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
            {
                return false;
            }
        }

        try
        {
            await using var create = CreateDatabaseCommand(name, connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            return false; // created concurrently
        }
    }

    private static string AdminConnectionString(int port, string passFile) =>
        new NpgsqlConnectionStringBuilder(ConnectionString(port, passFile, MaintenanceDatabase))
        {
            // Administrative connections must not linger in a pool.
            Pooling = false,
            Timeout = 5,
            CommandTimeout = 120,
        }.ConnectionString;

    [SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities",
        Justification = "CREATE DATABASE cannot take parameters; the name is passed as a quoted identifier (embedded quotes doubled, NUL rejected, at most 63 bytes).")]
    private static NpgsqlCommand CreateDatabaseCommand(string name, NpgsqlConnection connection) =>
        new("create database " + QuoteIdentifier(name), connection);

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
