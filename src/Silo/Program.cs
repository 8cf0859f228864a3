using System.Runtime.InteropServices;
using PriceIngest.Api.Hosting;
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

// Until the host runs (it then handles signals itself), Ctrl+C or SIGTERM cancels start-up, and
// the finally block below still stops a PostgreSQL we started.
using var startup = new CancellationTokenSource();
var started = false;
void CancelStartup(PosixSignalContext context)
{
    if (!started)
    {
        context.Cancel = true;
        startup.Cancel();
    }
}

using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, CancelStartup);
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, CancelStartup);

PostgresServer? embedded = null;
DataFolderLock? dataFolder = null;
try
{
    if (string.IsNullOrWhiteSpace(connectionString))
    {
        var dataDirectory = configuration["Silo:DataDirectory"] ?? new SiloOptions().DataDirectory;
        dataFolder = DataFolderLock.Acquire(dataDirectory);
        embedded = await LocalPostgres.StartAsync(dataDirectory, logger, startup.Token);
        connectionString = embedded.ConnectionString;
    }

    var app = SiloApp.Build(args, connectionString, localMode: embedded is not null, embedded);
    await using (app)
    {
        await app.StartAsync(startup.Token);
        started = true;
        LocalModeBanner.Print(app, embedded);
        await app.WaitForShutdownAsync();
    }
}
catch (OperationCanceledException) when (startup.IsCancellationRequested)
{
    Console.WriteLine("Start-up cancelled.");
}
catch (Exception e) when (!started && (e is PostgresServerException ? e.Message : StartupFailures.Describe(e)) is { } reason)
{
    await Console.Error.WriteLineAsync($"PriceIngest silo did not start: {reason}");
    Environment.ExitCode = 1;
}
finally
{
    if (embedded is not null)
    {
        await embedded.DisposeAsync();
    }

    dataFolder?.Dispose();
}
