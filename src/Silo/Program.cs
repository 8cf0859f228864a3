using PriceIngest.EmbeddedPostgres;
using PriceIngest.Silo.Hosting;
using PriceIngest.Silo.LocalMode;

// A silo. Without a connection string it runs in local mode: its own PostgreSQL, sample data.
var configuration = new ConfigurationBuilder()
    .AddEnvironmentVariables()
    .AddCommandLine(SiloCommandLine.Normalize(args), SiloCommandLine.Switches)
    .Build();
var connectionString = configuration.GetConnectionString("Prices");

using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true));
var logger = loggerFactory.CreateLogger("PriceIngest.Silo");

PostgresServer? embedded = null;
if (string.IsNullOrWhiteSpace(connectionString))
{
    var dataDirectory = configuration["Silo:DataDirectory"] ?? new SiloOptions().DataDirectory;
    embedded = await LocalPostgres.StartAsync(dataDirectory, logger, CancellationToken.None);
    connectionString = embedded.ConnectionString;
}

try
{
    var app = SiloApp.Build(args, connectionString, localMode: embedded is not null);
    await app.StartAsync();
    LocalModeBanner.Print(app, embedded);
    await app.WaitForShutdownAsync();
    await app.DisposeAsync();
}
finally
{
    if (embedded is not null)
    {
        await embedded.DisposeAsync();
    }
}
