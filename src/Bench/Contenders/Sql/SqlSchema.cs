using Npgsql;
using NpgsqlTypes;
using PriceIngest.Bench.Data;

namespace PriceIngest.Bench.Contenders.Sql;

/// <summary>
/// The plain-SQL contenders' tables, in schema <c>bench</c> of the same database as the service
/// (same server, same settings). Reference data in the original assignment's shape (<c>regions</c>,
/// <c>ports</c> with <c>parent_slug</c>); prices with text codes, as the assignment has them:
/// <list type="bullet">
/// <item><c>bench.prices</c>: the strongest plain-SQL design for lookups, a covering btree
/// (orig_code, dest_code, day) INCLUDE (price), vacuumed so that scans are index-only;</item>
/// <item><c>bench.textbook</c>: (b) foreign keys to ports, btree (orig_code, dest_code, day);</item>
/// <item><c>bench.unindexed_codes</c> / <c>bench.unindexed_ids</c>: (a) no index, no key; the same
/// rows with text codes, or with one int lane id as the service stores them.</item>
/// </list>
/// </summary>
public static class SqlSchema
{
    private const string Create = """
        drop schema if exists bench cascade;
        create schema bench;
        create table bench.regions (
            slug text collate "C" primary key,
            name text not null,
            parent_slug text collate "C" references bench.regions (slug) deferrable initially deferred
        );
        create table bench.ports (
            code text collate "C" primary key,
            name text not null,
            parent_slug text collate "C" not null references bench.regions (slug)
        );
        create table bench.prices (orig_code text collate "C" not null, dest_code text collate "C" not null, day date not null, price integer not null);
        create table bench.textbook (orig_code text not null, dest_code text not null, day date not null, price integer not null);
        create table bench.unindexed_codes (orig_code text not null, dest_code text not null, day date not null, price integer not null);
        create table bench.unindexed_ids (lane integer not null, day date not null, price integer not null);
        """;

    private const string InsertRegions = """
        insert into bench.regions (slug, name, parent_slug) select * from unnest($1::text[], $2::text[], $3::text[])
        """;

    private const string InsertPorts = """
        insert into bench.ports (code, name, parent_slug) select * from unnest($1::text[], $2::text[], $3::text[])
        """;

    // Rows are loaded first and indexed after, the fast way to build a base; the end state is what each design has.
    private const string Finish = """
        create index prices_covering on bench.prices (orig_code, dest_code, day) include (price);
        insert into bench.textbook select * from bench.prices;
        alter table bench.textbook
            add foreign key (orig_code) references bench.ports (code),
            add foreign key (dest_code) references bench.ports (code);
        create index textbook_lane_day on bench.textbook (orig_code, dest_code, day);
        insert into bench.unindexed_codes select * from bench.prices;
        """;

    public static async Task CreateAsync(NpgsqlDataSource dataSource, ReferenceData reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(reference);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var create = new NpgsqlCommand(Create, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var regions = new NpgsqlCommand(InsertRegions, connection, transaction))
        {
            regions.Parameters.Add(new() { Value = reference.Regions.Select(r => r.Slug).ToArray() });
            regions.Parameters.Add(new() { Value = reference.Regions.Select(r => r.Name).ToArray() });
            regions.Parameters.Add(new() { Value = reference.Regions.Select(r => r.Parent).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            await regions.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var ports = new NpgsqlCommand(InsertPorts, connection, transaction))
        {
            ports.Parameters.Add(new() { Value = reference.Ports.Select(p => p.Code).ToArray() });
            ports.Parameters.Add(new() { Value = reference.Ports.Select(p => p.Name).ToArray() });
            ports.Parameters.Add(new() { Value = reference.Ports.Select(p => p.Region).ToArray() });
            await ports.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Loads the base prices into every plain-SQL table, indexes them, and vacuums (so lookups are index-only).</summary>
    public static async Task LoadBaseAsync(NpgsqlDataSource dataSource, ReferenceData reference, PriceRow[] rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await BinaryCopy.CodesAsync(connection, "copy bench.prices (orig_code, dest_code, day, price) from stdin (format binary)", reference, rows, cancellationToken);
            await BinaryCopy.IdsAsync(connection, "copy bench.unindexed_ids (lane, day, price) from stdin (format binary)", rows, cancellationToken);
            await using (var finish = new NpgsqlCommand(Finish, connection, transaction))
            {
                finish.CommandTimeout = 0;
                await finish.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        await VacuumAsync(dataSource, cancellationToken);
    }

    /// <summary>VACUUM (ANALYZE) every bench table: visibility map set, statistics fresh.</summary>
    public static async Task VacuumAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var vacuum = dataSource.CreateCommand(
            "vacuum (analyze) bench.regions, bench.ports, bench.prices, bench.textbook, bench.unindexed_codes, bench.unindexed_ids");
        vacuum.CommandTimeout = 0;
        await vacuum.ExecuteNonQueryAsync(cancellationToken);
    }
}
