using System.Globalization;
using PriceIngest.EmbeddedPostgres;

namespace PriceIngest.Integration.Tests.Infrastructure;

/// <summary>
/// One throwaway, non-durable PostgreSQL cluster for the whole test run (shared through
/// <see cref="PostgresCollection"/>). Give each test class its own database with
/// <see cref="CreateDatabaseAsync"/> rather than sharing <see cref="ConnectionString"/>.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    /// <summary>The running server; available once xunit has initialised the fixture.</summary>
    public PostgresServer Server => _server ?? throw new InvalidOperationException("The PostgreSQL fixture has not been initialised.");

    /// <summary>Connection string of the default database ("priceingest").</summary>
    public string ConnectionString => Server.ConnectionString;

    public async Task InitializeAsync()
    {
        // Non-durable: fsync, synchronous_commit and full_page_writes off. A throwaway cluster does
        // not need to survive a machine crash, and this makes start-up and writes much faster.
        _server = await PostgresServer.StartAsync(new PostgresServerOptions { Durable = false });
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            _server = null;
        }
    }

    /// <summary>Creates a fresh, uniquely named database and returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default) =>
        Server.CreateDatabaseAsync("test_" + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture), cancellationToken);
}
