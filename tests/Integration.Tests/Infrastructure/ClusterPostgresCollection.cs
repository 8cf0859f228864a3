using System.Diagnostics.CodeAnalysis;

namespace PriceIngest.Integration.Tests.Infrastructure;

/// <summary>
/// The multi-process cluster tests, with a PostgreSQL cluster of their own. They spend most of their
/// minutes waiting on drains, failure detection and rebalancing, so xunit runs this collection beside
/// <see cref="PostgresCollection"/> instead of after it: 15.3 instead of 18.9 minutes for the suite here.
/// Their budgets follow the documented retry policy, not the machine's speed, so a busier machine
/// must not make them fail.
/// </summary>
[CollectionDefinition(Name)]
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "An xunit collection definition, named after the collection.")]
public sealed class ClusterPostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "cluster postgres";
}
