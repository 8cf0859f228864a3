using Npgsql;
using PriceIngest.Bench.Contenders;
using PriceIngest.Bench.Contenders.Service;
using PriceIngest.Bench.Contenders.Sql;
using PriceIngest.Bench.Data;
using PriceIngest.Bench.Hosting;
using PriceIngest.Bench.Measurement;
using PriceIngest.Bench.Reporting;
using PriceIngest.Bench.Workloads;

namespace PriceIngest.Bench.Runs;

/// <summary>What the phases of a run share: the database, the silo and its client, the contenders, the data, the expected answers.</summary>
public sealed class RunContext
{
    public required BenchSettings Settings { get; init; }

    public required Narrator Say { get; init; }

    public required string RunId { get; init; }

    public required NpgsqlDataSource DataSource { get; init; }

    public required ReferenceData Reference { get; init; }

    public required PriceGenerator Generator { get; init; }

    public required QuerySets Queries { get; init; }

    public required SiloHost Silo { get; init; }

    public required RestServiceClient Client { get; init; }

    /// <summary>The service over REST: the contender the targets are evaluated on.</summary>
    public required RestServiceContender Service { get; init; }

    /// <summary>Every way of reaching the service that is measured (REST now; gRPC slots in here).</summary>
    public required IReadOnlyList<IServiceContender> Services { get; init; }

    public required CanonicalSqlContender Covering { get; init; }

    public required CanonicalSqlContender TextbookSql { get; init; }

    /// <summary>The acceptance test's spelling of the canonical query, timed at concurrency 1 for reference.</summary>
    public required CanonicalSqlContender AcceptanceSql { get; init; }

    public required AnswerBook Book { get; init; }

    public required StatementStatistics Statements { get; init; }

    public required bool PhasesAvailable { get; init; }

    /// <summary>Restarts the silo (every lane cold, memory back to a fresh process) and reconnects the client.</summary>
    public async Task RestartSiloAsync(CancellationToken cancellationToken)
    {
        await Silo.StartAsync(cancellationToken);
        foreach (var service in Services)
        {
            service.Connect(Silo.Current.Endpoints);
        }
    }

    /// <summary>Warms a fresh silo's code paths with lookups on lanes that hold no prices (no measured lane is touched).</summary>
    public async Task WarmUpCodeAsync(CancellationToken cancellationToken)
    {
        for (var round = 0; round < 4; round++)
        {
            foreach (var service in Services)
            {
                foreach (var query in Queries.WarmUp)
                {
                    Book.Check(service.Name, query, await service.LookupAsync(query, cancellationToken));
                }
            }
        }
    }
}
