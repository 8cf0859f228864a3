using Microsoft.Extensions.Logging;
using PriceIngest.Grpc.Tests.Infrastructure;

namespace PriceIngest.Grpc.Tests.Interop;

/// <summary>Debian's python grpcio (a real gRPC client, C core) against our server.</summary>
public sealed class PythonClientTests(EchoServerFixture fixture) : IClassFixture<EchoServerFixture>
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(60);

    private GrpcTestServer Server => fixture.Server;

    [Theory]
    [InlineData("unary")]
    [InlineData("metadata")]
    [InlineData("client_stream")]
    [InlineData("server_stream")]
    [InlineData("server_stream_error")]
    [InlineData("duplex")]
    [InlineData("status_codes")]
    [InlineData("unicode_message")]
    [InlineData("rich_details")]
    [InlineData("unimplemented")]
    [InlineData("compression")]
    [InlineData("size_limits")]
    [InlineData("health")]
    public async Task Python_client_scenario_passes(string scenario) =>
        await PythonGrpc.RunClientAsync(Server.Port, scenario, ScriptTimeout);

    [Fact]
    public async Task Handler_exception_is_internal_without_its_text_and_is_logged()
    {
        var result = await PythonGrpc.RunClientAsync(Server.Port, "internal_error", ScriptTimeout);

        // Old layer: "Exception was thrown by handler." and EventId 3000. Now the product's
        // CallOutcomeInterceptor: INTERNAL with its own message, EventId 3106 (Error) with the exception.
        Assert.Equal("an unexpected error occurred on the server; it was logged", result.GetProperty("details").GetString());
        Assert.Contains(Server.Logs.Events, e => e.EventId.Id == 3106 && e.Level == LogLevel.Error && e.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task Python_deadline_cancels_the_handler()
    {
        var tag = Guid.NewGuid().ToString("N");

        await PythonGrpc.RunClientAsync(Server.Port, "deadline", ScriptTimeout, tag);

        // Both ends enforce the deadline: the server's own timer or grpcio's RST_STREAM, whichever
        // lands first, cancels the handler (the server-side timer alone is proven in RawProtocolTests).
        Assert.Contains(await Server.Probe.WaitAsync(tag, TimeSpan.FromSeconds(5)), new[] { "deadline", "cancelled" });
    }

    [Fact]
    public async Task Python_cancelling_a_server_stream_cancels_the_handler()
    {
        var tag = Guid.NewGuid().ToString("N");

        await PythonGrpc.RunClientAsync(Server.Port, "cancel_stream", ScriptTimeout, tag);

        Assert.Equal("cancelled", await Server.Probe.WaitAsync(tag, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Python_cancelling_a_unary_call_cancels_the_handler()
    {
        var tag = Guid.NewGuid().ToString("N");

        await PythonGrpc.RunClientAsync(Server.Port, "cancel_unary", ScriptTimeout, tag);

        Assert.Equal("cancelled", await Server.Probe.WaitAsync(tag, TimeSpan.FromSeconds(5)));
    }
}
