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
}
