using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PriceIngest.Grains.Storage;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Storage;

[Collection("postgres")]
public sealed class MigrationTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Silos_migrating_at_the_same_moment_apply_each_migration_exactly_once()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            Task.Run(() => new Migrator(dataSource, NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None))));

        Assert.Equal(Schema.Migrations.Length, await Sql.ScalarAsync<long>(connectionString, "select count(*) from schema_migrations"));
        Assert.Equal(Schema.Migrations[^1].Version, await Sql.ScalarAsync<int>(connectionString, "select max(version) from schema_migrations"));
        Assert.Equal(0L, await Sql.ScalarAsync<long>(connectionString, "select seq from commit_counter"));
    }
}
