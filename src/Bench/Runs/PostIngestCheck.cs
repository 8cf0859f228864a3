using PriceIngest.Bench.Contenders;
using PriceIngest.Bench.Workloads;

namespace PriceIngest.Bench.Runs;

/// <summary>
/// After the ingest runs the service and <c>bench.textbook</c> have received the same base and the
/// same batches: the same number of prices, and the same answers on a lane of every batch and on
/// the big region pair for both years.
/// </summary>
public static class PostIngestCheck
{
    public static async Task<(int Queries, long ServicePrices, long TextbookPrices)> RunAsync(RunContext run, IReadOnlyList<IngestBatch> batches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(batches);
        run.Say.Step("checks after ingest: the service against the textbook table");
        var service = await CountAsync(run, "select count(*) from public.prices", cancellationToken);
        var textbook = await CountAsync(run, "select count(*) from bench.textbook", cancellationToken);
        if (service != textbook)
        {
            throw new AnswerMismatchException($"after the ingest runs the service holds {service:N0} prices and the textbook table {textbook:N0}");
        }

        var year2017 = (From: new DateOnly(2017, 1, 1), To: new DateOnly(2017, 12, 31));
        var queries = batches
            .Select(b => b.Rows[^1])
            .Select(r => new LookupQuery(LookupKind.PortToPortMonth, run.Reference.Code(r.Origin), run.Reference.Code(r.Destination), year2017.From, year2017.To))
            .Append(new LookupQuery(LookupKind.RegionToRegionYear, "china_main", "northern_europe", year2017.From, year2017.To))
            .Append(new LookupQuery(LookupKind.RegionToRegionYear, "china_main", "northern_europe", QuerySets.YearFrom, QuerySets.YearTo))
            .Distinct()
            .ToList();
        var truth = run.TextbookSql;
        foreach (var query in queries)
        {
            var expected = await truth.LookupAsync(query, cancellationToken);
            foreach (var contender in run.Services)
            {
                AnswerBook.Compare(contender.Name, query, expected, await contender.LookupAsync(query, cancellationToken), truth.Name);
            }
        }

        return (queries.Count, service, textbook);
    }

    private static async Task<long> CountAsync(RunContext run, string sql, CancellationToken cancellationToken)
    {
        await using var command = run.DataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
