using Microsoft.Extensions.Logging;
using Npgsql;

namespace PriceIngest.Grains.Storage;

/// <summary>
/// Applies <see cref="Schema.Migrations"/> at start-up under a session advisory lock, so silos that
/// start at the same moment migrate one after another and the later ones find nothing to do.
/// </summary>
internal sealed partial class Migrator(NpgsqlDataSource dataSource, ILogger<Migrator> logger)
{
    // An arbitrary constant shared by every silo: "PIMIGRAT".
    private const long MigrationLockKey = 0x50494D4947524154;

    // Every SQL text here is a compiled-in constant (the migrations themselves).
#pragma warning disable CA2100
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await Execute(connection, "select pg_advisory_lock($1)", MigrationLockKey, cancellationToken);
        try
        {
            await Execute(connection, """
                create table if not exists schema_migrations (
                    version int primary key,
                    name text not null,
                    applied_at timestamptz not null default now()
                )
                """, null, cancellationToken);

            await using var read = new NpgsqlCommand("select coalesce(max(version), 0) from schema_migrations", connection);
            var current = (int)(await read.ExecuteScalarAsync(cancellationToken))!;

            foreach (var migration in Schema.Migrations.Where(m => m.Version > current))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var apply = new NpgsqlCommand(migration.Sql, connection, transaction))
                {
                    await apply.ExecuteNonQueryAsync(cancellationToken);
                }

                await using (var record = new NpgsqlCommand("insert into schema_migrations (version, name) values ($1, $2)", connection, transaction))
                {
                    record.Parameters.Add(new() { Value = migration.Version });
                    record.Parameters.Add(new() { Value = migration.Name });
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                LogApplied(logger, migration.Version, migration.Name);
            }
        }
        finally
        {
            await Execute(connection, "select pg_advisory_unlock($1)", MigrationLockKey, CancellationToken.None);
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, long? argument, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (argument is { } value)
        {
            command.Parameters.Add(new() { Value = value });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

#pragma warning restore CA2100

    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Applied schema migration {Version}: {Name}")]
    private static partial void LogApplied(ILogger logger, int version, string name);
}
