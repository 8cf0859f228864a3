using Npgsql;

namespace PriceIngest.Bench.Contenders.Sql;

/// <summary>Lookups with one of <see cref="CanonicalQueries"/> on a pooled connection.</summary>
public sealed class CanonicalSqlContender : ILookupContender
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly Spelling _spelling;

    private CanonicalSqlContender(NpgsqlDataSource dataSource, Spelling spelling, string name)
    {
        _dataSource = dataSource;
        _spelling = spelling;
        Name = name;
    }

    private enum Spelling
    {
        Covering,
        Textbook,
        AcceptanceTest,
    }

    public string Name { get; }

    /// <summary>The strongest plain-SQL design: <c>bench.prices</c> with its covering btree.</summary>
    public static CanonicalSqlContender Covering(NpgsqlDataSource dataSource) => new(dataSource, Spelling.Covering, "plain SQL, covering btree");

    /// <summary><c>bench.textbook</c>, which receives every ingest batch: ground truth after the ingest runs.</summary>
    public static CanonicalSqlContender Textbook(NpgsqlDataSource dataSource) => new(dataSource, Spelling.Textbook, "plain SQL, textbook table");

    /// <summary>The acceptance test's spelling of the query on the covering-index table, for reference.</summary>
    public static CanonicalSqlContender AcceptanceTestForm(NpgsqlDataSource dataSource) =>
        new(dataSource, Spelling.AcceptanceTest, "plain SQL, covering btree, acceptance-test spelling");

    public async Task<RateDay[]> LookupAsync(LookupQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var command = _dataSource.CreateCommand(_spelling switch
        {
            Spelling.Covering => CanonicalQueries.Covering,
            Spelling.Textbook => CanonicalQueries.Textbook,
            _ => CanonicalQueries.AcceptanceTestForm,
        });
        command.Parameters.Add(new() { Value = query.Origin });
        command.Parameters.Add(new() { Value = query.Destination });
        command.Parameters.Add(new() { Value = query.From });
        command.Parameters.Add(new() { Value = query.To });
        var days = new RateDay[query.To.DayNumber - query.From.DayNumber + 1];
        var n = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            days[n++] = new(reader.GetFieldValue<DateOnly>(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), (int)reader.GetInt64(2));
        }

        return n == days.Length ? days : days[..n];
    }
}
