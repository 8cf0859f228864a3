using System.Diagnostics.CodeAnalysis;

namespace PriceIngest.Integration.Tests.Infrastructure;

/// <summary>
/// Test classes marked <c>[Collection("postgres")]</c> share one <see cref="PostgresFixture"/>.
/// xunit runs the classes of one collection one after another; collections run side by side.
/// </summary>
[CollectionDefinition(Name)]
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "An xunit collection definition, named after the collection.")]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
