using System.Collections.Immutable;
using Npgsql;
using PriceIngest.Grains.Lanes;
using PriceIngest.Grains.Services;

namespace PriceIngest.Grains.ReferenceData;

/// <summary>
/// Applies reference uploads atomically: validate against the current rows inside the writing
/// transaction (tables locked against concurrent uploads), write, commit, then reload the cache, here and (before answering) on every other active silo.
/// </summary>
/// <remarks>
/// A lane id is made of port ids, and prices are never deleted, so a port id must never pass to
/// another code: a removed port moves to <c>retired_ports</c> with its id, new ids are drawn above
/// every id ever given, and an upload of a retired code brings the port back with its id.
/// </remarks>
internal sealed class ReferenceDataService(
    NpgsqlDataSource dataSource, ReferenceDataCache cache, ReferenceBroadcast broadcast, LaneDirectory lanes) : IReferenceDataService
{
    public Task<ReferenceUpload> PutRegionsAsync(IReadOnlyList<RegionRow> regions, bool replace, CancellationToken cancellationToken) =>
        UnavailableIfDatabaseIsAsync(() => WriteRegionsAsync(regions, replace, cancellationToken));

    public Task<ReferenceUpload> PutPortsAsync(IReadOnlyList<PortRow> ports, AbsentPorts absent, CancellationToken cancellationToken) =>
        UnavailableIfDatabaseIsAsync(() => WritePortsAsync(ports, absent, cancellationToken));

    /// <summary>From memory: the cache is reloaded after every upload and on every other silo's.</summary>
    public Task<ReferenceListing> GetAsync(CancellationToken cancellationToken)
    {
        var snapshot = cache.Current;
        return Task.FromResult(new ReferenceListing(
            [.. snapshot.PortsByCode.Values.OrderBy(p => p.Code, StringComparer.Ordinal).Select(p => new PortRow(p.Code, p.Name, p.RegionSlug))],
            [.. snapshot.Regions.Values.OrderBy(r => r.Slug, StringComparer.Ordinal).Select(r => new RegionRow(r.Slug, r.Name, r.ParentSlug))]));
    }

    private static async Task<ReferenceUpload> UnavailableIfDatabaseIsAsync(Func<Task<ReferenceUpload>> write)
    {
        try
        {
            return await write();
        }
        catch (NpgsqlException e) when (e is not PostgresException || e.IsTransient)
        {
            // Nothing was committed: the transaction ends with the connection.
            throw new ServiceUnavailableException("the database is unreachable; nothing was changed, retry shortly", e);
        }
    }

    private async Task<ReferenceUpload> WriteRegionsAsync(IReadOnlyList<RegionRow> regions, bool replace, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, transaction, cancellationToken);

        var existing = new Dictionary<string, string?>(StringComparer.Ordinal);
        await using (var read = new NpgsqlCommand("select slug, parent_slug from regions", connection, transaction))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                existing[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
            }
        }

        ThrowIfAny(ReferenceValidation.CheckRegions(regions, existing, replace));
        if (replace && await StillUsed(connection, transaction, regions.Select(r => r.Slug).ToArray(), cancellationToken) is { Count: > 0 } used)
        {
            throw new ReferenceDataConflictException([.. used]);
        }

        await using (var upsert = new NpgsqlCommand("""
            insert into regions (slug, name, parent_slug)
            select * from unnest($1::text[], $2::text[], $3::text[])
            on conflict (slug) do update set name = excluded.name, parent_slug = excluded.parent_slug
            """, connection, transaction))
        {
            upsert.Parameters.Add(new() { Value = regions.Select(r => r.Slug).ToArray() });
            upsert.Parameters.Add(new() { Value = regions.Select(r => r.Name).ToArray() });
            upsert.Parameters.Add(new() { Value = regions.Select(r => r.Parent).ToArray() });
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        var removed = new List<string>();
        if (replace)
        {
            await using var delete = new NpgsqlCommand("delete from regions where slug <> all($1) returning slug", connection, transaction);
            delete.Parameters.Add(new() { Value = regions.Select(r => r.Slug).ToArray() });
            await ReadKeysAsync(delete, removed, cancellationToken);
        }

        return await FinishAsync(connection, transaction, regions.Count, removed, cancellationToken);
    }

    private async Task<ReferenceUpload> WritePortsAsync(IReadOnlyList<PortRow> ports, AbsentPorts absent, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, transaction, cancellationToken);

        var regions = new HashSet<string>(StringComparer.Ordinal);
        await using (var read = new NpgsqlCommand("select slug from regions", connection, transaction))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                regions.Add(reader.GetString(0));
            }
        }

        ThrowIfAny(ReferenceValidation.CheckPorts(ports, regions));

        // Update first, then insert only new codes: an upsert would burn identity values on every
        // conflict, and port ids are a scarce 15-bit space.
        await using (var update = new NpgsqlCommand("""
            update ports p set name = u.name, region_slug = u.region
            from unnest($1::text[], $2::text[], $3::text[]) as u(code, name, region)
            where p.code = u.code
            """, connection, transaction))
        {
            AddPortArrays(update, ports);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        // A retired code comes back with its id (and so with its prices).
        await using (var revive = new NpgsqlCommand("""
            with back as (
                delete from retired_ports r using unnest($1::text[], $2::text[], $3::text[]) as u(code, name, region)
                where r.code = u.code
                returning r.id, u.code, u.name, u.region
            )
            insert into ports (id, code, name, region_slug) overriding system value select * from back
            """, connection, transaction))
        {
            AddPortArrays(revive, ports);
            await revive.ExecuteNonQueryAsync(cancellationToken);
        }

        // Identity values are spent even by rolled-back inserts; under the table lock, rewind the
        // sequence to the highest id ever given (retired ones included) and check that the new
        // codes fit before inserting.
        await using (var room = new NpgsqlCommand("""
            with given as (select id from ports union all select id from retired_ports)
            select setval(pg_get_serial_sequence('ports', 'id'), coalesce(max(id), 1), max(id) is not null),
                   32767 - coalesce(max(id), 0),
                   (select count(*) from unnest($1::text[]) c where not exists (select 1 from ports p where p.code = c))
            from given
            """, connection, transaction))
        {
            room.Parameters.Add(new() { Value = ports.Select(p => p.Code).ToArray() });
            await using var reader = await room.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var (free, wanted) = (reader.GetInt32(1), reader.GetInt64(2));
            if (wanted > free)
            {
                throw new ReferenceDataException([$"{wanted} new ports do not fit: only {free} more port ids are left (at most {short.MaxValue} ports ever)"]);
            }
        }

        await using (var insert = new NpgsqlCommand("""
            insert into ports (code, name, region_slug)
            select u.code, u.name, u.region
            from unnest($1::text[], $2::text[], $3::text[]) as u(code, name, region)
            where not exists (select 1 from ports p where p.code = u.code)
            """, connection, transaction))
        {
            AddPortArrays(insert, ports);
            try
            {
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == "2200H" /* sequence_generator_limit_exceeded */)
            {
                throw new ReferenceDataException([$"no more than {short.MaxValue} ports can ever be created"]);
            }
        }

        var removed = absent == AbsentPorts.Kept ? [] : await RetireAbsentAsync(connection, transaction, ports, absent, cancellationToken);
        return await FinishAsync(connection, transaction, ports.Count, removed, cancellationToken);
    }

    /// <summary>Moves the ports the upload does not list to <c>retired_ports</c>; refused when one has prices and <paramref name="absent"/> is not <see cref="AbsentPorts.Retired"/>.</summary>
    private async Task<List<string>> RetireAbsentAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<PortRow> ports, AbsentPorts absent, CancellationToken cancellationToken)
    {
        var codes = ports.Select(p => p.Code).ToArray();
        if (absent != AbsentPorts.Retired)
        {
            // From this silo's lane directory, which follows the commit feed: a port whose first
            // prices commit in this instant may pass, and is retired with them, never reassigned.
            var priced = new List<string>();
            await using var read = new NpgsqlCommand("select id, code from ports where code <> all($1) order by code", connection, transaction);
            read.Parameters.Add(new() { Value = codes });
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    if (lanes.PortMayHavePrices(reader.GetInt16(0)))
                    {
                        priced.Add($"port '{reader.GetString(1)}' has prices and is not in the upload; add retire=true to remove it anyway (its prices then answer for no code)");
                    }
                }
            }

            if (priced.Count > 0)
            {
                throw new ReferenceDataConflictException([.. priced]);
            }
        }

        await using var retire = new NpgsqlCommand("""
            with gone as (delete from ports where code <> all($1) returning id, code, name, region_slug)
            insert into retired_ports (id, code, name, region_slug) select * from gone returning code
            """, connection, transaction);
        retire.Parameters.Add(new() { Value = codes });
        var removed = new List<string>();
        await ReadKeysAsync(retire, removed, cancellationToken);
        return removed;
    }

    private async Task<ReferenceUpload> FinishAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, int rows, List<string> removed, CancellationToken cancellationToken)
    {
        var version = await BumpVersionAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await cache.ReloadAsync(cancellationToken);
        await broadcast.PublishAsync(version, cancellationToken);
        removed.Sort(StringComparer.Ordinal);
        return new ReferenceUpload(rows, [.. removed]);
    }

    private static async Task ReadKeysAsync(NpgsqlCommand command, List<string> keys, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(reader.GetString(0));
        }
    }

    private static async Task<long> BumpVersionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "update reference_version set version = version + 1 returning version, pg_notify('reference_changed', version::text)", connection, transaction);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // Serialises reference uploads (they validate against what they read); readers are not blocked.
        await using var command = new NpgsqlCommand("lock table regions, ports, retired_ports in share row exclusive mode", connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<List<string>> StillUsed(NpgsqlConnection connection, NpgsqlTransaction transaction, string[] kept, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            select 'region ''' || region_slug || ''' is not in the upload but port ''' || min(code) || ''' still belongs to it; move or remove its ports first'
            from ports where region_slug <> all($1) group by region_slug order by 1
            """, connection, transaction);
        command.Parameters.Add(new() { Value = kept });
        var errors = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            errors.Add(reader.GetString(0));
        }

        return errors;
    }

    private static void AddPortArrays(NpgsqlCommand command, IReadOnlyList<PortRow> ports)
    {
        command.Parameters.Add(new() { Value = ports.Select(p => p.Code).ToArray() });
        command.Parameters.Add(new() { Value = ports.Select(p => p.Name).ToArray() });
        command.Parameters.Add(new() { Value = ports.Select(p => p.Region).ToArray() });
    }

    private static void ThrowIfAny(List<string> errors)
    {
        if (errors.Count > 0)
        {
            throw new ReferenceDataException([.. errors]);
        }
    }
}
