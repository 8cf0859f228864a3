using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Grpc;

/// <summary>
/// Debian's python3-grpcio with stubs generated from protos/priceingest/v1 against a real silo:
/// every RPC of both services and health, errors with codes and messages, a deadline, cancellation
/// mid-stream, gzip, metadata (see Interop/priceingest_client.py for what each scenario asserts).
/// </summary>
[Collection("postgres")]
public sealed class GrpcPythonTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(90);

    private SiloInstance _silo = null!;

    public async Task InitializeAsync()
    {
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync());
        await TestData.LoadReferenceAsync(_silo.Http);
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Theory]
    [InlineData("all_rpcs")]
    [InlineData("errors")]
    [InlineData("deadline")]
    [InlineData("cancel")]
    [InlineData("gzip")]
    [InlineData("metadata")]
    public async Task Python_grpcio_scenario_passes(string scenario)
    {
        var before = await Sql.PriceCountAsync(_silo.ConnectionString);

        await PythonGrpcClient.RunAsync(_silo.GrpcPort, scenario, ScriptTimeout, Guid.NewGuid().ToString("N"));

        var written = await Sql.PriceCountAsync(_silo.ConnectionString) - before;
        // What each scenario commits, and nothing of what it cancelled, rejected or refused.
        Assert.Equal(scenario switch { "all_rpcs" => 5, "errors" => 2, "cancel" => 1, "gzip" => 2000, "metadata" => 1, _ => 0 }, written);
    }
}
