using Npgsql;

namespace PriceIngest.Integration.Tests.Support;

/// <summary>Direct reads of the test database: the ground truth the API is checked against.</summary>
public static class Sql
{
    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, params object[] args)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var arg in args)
        {
            command.Parameters.Add(new() { Value = arg });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    public static Task<long> PriceCountAsync(string connectionString) =>
        ScalarAsync<long>(connectionString, "select count(*) from prices");

    /// <summary>Drops a segment's covering btree and marks it unbuilt: the state a silo leaves when it dies between commit and build.</summary>
    public static async Task DropSegmentBtreeAsync(string connectionString, int segment)
    {
        var btree = await ScalarAsync<string>(connectionString, """
            select i.indexrelid::regclass::text from pg_index i join pg_class c on c.oid = i.indexrelid join pg_am a on a.oid = c.relam
            where i.indrelid = ('prices_s' || $1)::regclass and a.amname = 'btree'
            """, segment);
        await ScalarAsync<object>(connectionString, $"drop index \"{btree}\"");
        await ScalarAsync<object>(connectionString, "update segments set indexed_at = null where seg = $1", segment);
    }
}
