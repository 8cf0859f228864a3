using Npgsql;

namespace PriceIngest.Grains.Storage;

/// <summary>
/// The covering btree of each segment. A commit gives its segment only a BRIN (cheap: one pass over
/// the sorted rows); the btree (lane, day) INCLUDE (price) is built after the commit, outside it, by
/// <c>index_price_segment</c>, which any session may call for any segment: it builds at most once.
/// </summary>
internal static class SegmentIndexes
{
    /// <summary>Builds the btree of every live segment that lacks one, oldest first; returns how many this call built.</summary>
    public static async Task<int> BuildPendingAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var built = 0;
        foreach (var segment in await PendingAsync(connection, null, cancellationToken))
        {
            await using var command = new NpgsqlCommand("select index_price_segment($1)", connection);
            command.Parameters.Add(new() { Value = segment });
            if ((bool)(await command.ExecuteScalarAsync(cancellationToken))!)
            {
                built++;
            }
        }

        return built;
    }

    /// <summary>The live segments still without their btree.</summary>
    public static async Task<List<int>> PendingAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "select seg from segments where merged_into is null and indexed_at is null order by seg", connection, transaction);
        var pending = new List<int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            pending.Add(reader.GetInt32(0));
        }

        return pending;
    }
}
