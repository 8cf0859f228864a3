using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Grpc.Net.Client;
using OpenTelemetry.Trace;
using PriceIngest.Integration.Tests.Grpc;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Telemetry;

/// <summary>
/// An upload and a lookup through a gateway are each one trace: the gateway's request, its grain
/// call, the silo's side of that call (the trace crossed Orleans's wire in the message headers)
/// and the silo's SQL. Both processes run in this one, so their providers see every span; the
/// silo's side still only joins the trace through the propagated context, never through memory.
/// </summary>
[Collection("postgres")]
public sealed class TraceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly TimeSpan SpanWait = TimeSpan.FromSeconds(20);
    private readonly SpanCollection _spans = new();
    private SiloInstance _silo = null!;
    private GatewayInstance _gateway = null!;

    public async Task InitializeAsync()
    {
        var database = await postgres.CreateDatabaseAsync();
        _silo = await SiloInstance.StartAsync(database, "--Telemetry:Traces=true");
        _gateway = await GatewayInstance.StartAsync(
            database, services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_spans)), "--Telemetry:Traces=true");
        await TestData.LoadReferenceAsync(_gateway.Http);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _silo.DisposeAsync();
    }

    [Fact]
    public async Task An_upload_through_a_gateway_is_one_trace_from_its_request_to_the_silos_sql()
    {
        (await _gateway.Http.PostAsync("/batches?id=traced-upload", TestData.PricesCsv(TestData.RandomPrices(new Random(3), 30)))).EnsureSuccessStatusCode();

        AssertOneTraceAcrossTheCluster(await _spans.TraceOfRequestAsync("/batches", ReachesTheDatabase, SpanWait));
    }

    [Fact]
    public async Task A_grpc_upload_through_a_gateway_is_one_trace_from_its_call_to_the_silos_sql()
    {
        using var channel = GrpcChannel.ForAddress(_gateway.GrpcAddress);
        var items = TestData.RandomPrices(new Random(5), 20).Select(p => GrpcRequests.Item(p.Origin, p.Destination, p.Day, p.Price)).ToArray();

        await GrpcRequests.UploadAsync(channel, "traced-grpc-upload", [items]);

        AssertOneTraceAcrossTheCluster(await _spans.TraceOfRequestAsync("/priceingest.v1.IngestService/UploadBatch", ReachesTheDatabase, SpanWait));
    }

    [Fact]
    public async Task A_cold_lookup_through_a_gateway_is_one_trace_down_to_its_lane_loads()
    {
        (await _silo.Http.PostAsync("/batches?id=lookup-data", TestData.PricesCsv(TestData.RandomPrices(new Random(4), 30)))).EnsureSuccessStatusCode();

        (await _gateway.Http.GetAsync("/rates?date_from=2016-01-01&date_to=2016-01-10&origin=CNSGH&destination=north_europe")).EnsureSuccessStatusCode();

        AssertOneTraceAcrossTheCluster(await _spans.TraceOfRequestAsync("/rates", ReachesTheDatabase, SpanWait));
    }

    private static bool ReachesTheDatabase(IReadOnlyList<Activity> trace) =>
        trace.Any(s => s.Source.Name == "Npgsql") && trace.Any(s => IsGrainCall(s, ActivityKind.Server));

    private static bool IsGrainCall(Activity span, ActivityKind kind) => span.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && span.Kind == kind;

    private void AssertOneTraceAcrossTheCluster(IReadOnlyList<Activity> trace)
    {
        var described = $"spans recorded:\n{_spans.Describe()}";
        Assert.True(trace.Count > 0, $"no trace rooted at the gateway's request; {described}");
        var root = trace.Single(s => s.ParentSpanId == default);
        Assert.Equal("Microsoft.AspNetCore", root.Source.Name);

        var bySpan = trace.ToDictionary(s => s.SpanId);
        var calls = trace.Where(s => IsGrainCall(s, ActivityKind.Client)).ToList();
        var served = trace.Where(s => IsGrainCall(s, ActivityKind.Server)).ToList();
        Assert.True(calls.Count > 0 && served.Count > 0, $"no grain call in the trace; {described}");

        // The silo's side of a call is the child of the gateway's side: the context crossed the wire.
        Assert.Contains(served, s => calls.Any(c => c.SpanId == s.ParentSpanId));

        // Every span, the SQL included, hangs from the request through recorded parents.
        var sql = trace.Where(s => s.Source.Name == "Npgsql").ToList();
        Assert.True(sql.Count > 0, $"no SQL in the trace; {described}");
        foreach (var span in trace)
        {
            var current = span;
            while (current.ParentSpanId != default)
            {
                Assert.True(bySpan.TryGetValue(current.ParentSpanId, out var parent), $"'{current.DisplayName}' has a parent outside the trace; {described}");
                current = parent;
            }

            Assert.Same(root, current);
        }

        Assert.Contains(sql, s => HasAncestor(s, served, bySpan));
    }

    private static bool HasAncestor(Activity span, List<Activity> candidates, Dictionary<ActivitySpanId, Activity> bySpan)
    {
        for (var id = span.ParentSpanId; id != default && bySpan.TryGetValue(id, out var parent); id = parent.ParentSpanId)
        {
            if (candidates.Contains(parent))
            {
                return true;
            }
        }

        return false;
    }
}
