using System.Diagnostics.CodeAnalysis;

namespace PriceIngest.Integration.Tests.Infrastructure;

/// <summary>
/// The tests that run only real processes (the cluster, local mode, Prometheus scraping a silo and
/// a gateway), with a PostgreSQL cluster of their own. They spend most of their minutes waiting on
/// drains, failure detection, rebalancing and start-ups, so xunit runs this collection beside
/// <see cref="PostgresCollection"/> instead of after it. Tests that start silos in this process must
/// stay in the other one: meter and activity listeners see every silo of the process. The cluster
/// tests' budgets follow the documented retry policy, not the machine's speed, so a busier machine
/// must not make them fail.
/// </summary>
[CollectionDefinition(Name)]
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "An xunit collection definition, named after the collection.")]
public sealed class ClusterPostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "cluster postgres";
}
