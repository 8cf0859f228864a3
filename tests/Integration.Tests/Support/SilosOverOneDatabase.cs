using PriceIngest.Integration.Tests.Infrastructure;

namespace PriceIngest.Integration.Tests.Support;

/// <summary>A test class's silo processes over one fresh database of its own; all stopped after each test.</summary>
public abstract class SilosOverOneDatabase(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly List<SiloInstance> _silos = [];

    /// <summary>The connection string of this test's database.</summary>
    protected string Database { get; private set; } = null!;

    public async Task InitializeAsync() => Database = await postgres.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }
    }

    /// <summary>Starts one more silo over <see cref="Database"/> with these settings (command-line form).</summary>
    protected async Task<SiloInstance> StartSiloAsync(params string[] settings)
    {
        var silo = await SiloInstance.StartAsync(Database, settings);
        _silos.Add(silo);
        return silo;
    }
}
