using System.Collections.Immutable;
using Npgsql;
using PriceIngest.Grains.Services;

namespace PriceIngest.Grains.ReferenceData;

/// <summary>
/// Applies reference uploads atomically: validate against the current rows inside the writing
/// transaction (tables locked against concurrent uploads), write, commit, then reload the cache.
/// </summary>
internal sealed class ReferenceDataService(NpgsqlDataSource dataSource, ReferenceDataCache cache) : IReferenceDataService
{
    public async Task<int> PutRegionsAsync(IReadOnlyList<RegionRow> regions, bool replace, CancellationToken cancellationToken)
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

        var errors = ReferenceValidation.CheckRegions(regions, existing, replace);
        if (replace)
        {
            errors.AddRange(await StillUsed(connection, transaction, regions.Select(r => r.Slug).ToArray(), cancellationToken));
        }

        ThrowIfAny(errors);

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

        if (replace)
        {
            await using var delete = new NpgsqlCommand("delete from regions where slug <> all($1)", connection, transaction);
            delete.Parameters.Add(new() { Value = regions.Select(r => r.Slug).ToArray() });
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await BumpVersionAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await cache.ReloadAsync(cancellationToken);
        return regions.Count;
    }

    public async Task<int> PutPortsAsync(IReadOnlyList<PortRow> ports, bool replace, CancellationToken cancellationToken)
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

        // Identity values are spent even by rolled-back inserts; under the table lock, rewind the
        // sequence to the highest id in use and check that the new codes fit before inserting.
        await using (var room = new NpgsqlCommand("""
            select setval(pg_get_serial_sequence('ports', 'id'), coalesce(max(id), 1), max(id) is not null),
                   32767 - coalesce(max(id), 0),
                   (select count(*) from unnest($1::text[]) c where not exists (select 1 from ports p where p.code = c))
            from ports
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

        if (replace)
        {
            await using var delete = new NpgsqlCommand("delete from ports where code <> all($1)", connection, transaction);
            delete.Parameters.Add(new() { Value = ports.Select(p => p.Code).ToArray() });
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await BumpVersionAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await cache.ReloadAsync(cancellationToken);
        return ports.Count;
    }

    private static async Task BumpVersionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "update reference_version set version = version + 1 returning pg_notify('reference_changed', version::text)", connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // Serialises reference uploads (they validate against what they read); readers are not blocked.
        await using var command = new NpgsqlCommand("lock table regions, ports in share row exclusive mode", connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<IEnumerable<string>> StillUsed(NpgsqlConnection connection, NpgsqlTransaction transaction, string[] kept, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            select 'region ''' || region_slug || ''' is removed but port ''' || min(code) || ''' still belongs to it'
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
