using System.Diagnostics.Metrics;

namespace PriceIngest.Gateway.Routing;

/// <summary>
/// Routing as operators see it (meter "PriceIngest.Gateway"): calls per silo, retries and
/// exhausted retry budgets per kind ("lookup", "upload"), requests refused for lack of a silo.
/// </summary>
internal sealed class GatewayMetrics
{
    public const string MeterName = "PriceIngest.Gateway";

    private readonly Counter<long> _calls;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _exhausted;
    private readonly Counter<long> _noSilo;

    public GatewayMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _calls = meter.CreateCounter<long>("priceingest.gateway.silo_calls", "{call}", "Calls sent to silos, by kind and silo endpoint");
        _retries = meter.CreateCounter<long>("priceingest.gateway.retries", "{retry}", "Calls retried on another silo, by kind");
        _exhausted = meter.CreateCounter<long>("priceingest.gateway.retry_budget_exhausted", "{request}", "Requests answered UNAVAILABLE after the last allowed attempt, by kind");
        _noSilo = meter.CreateCounter<long>("priceingest.gateway.no_active_silo", "{request}", "Requests answered UNAVAILABLE because no silo was active, by kind");
    }

    public void Call(string kind, string endpoint) => _calls.Add(1, Tag("kind", kind), Tag("silo", endpoint));

    public void Retry(string kind) => _retries.Add(1, Tag("kind", kind));

    public void Exhausted(string kind) => _exhausted.Add(1, Tag("kind", kind));

    public void NoSilo(string kind) => _noSilo.Add(1, Tag("kind", kind));

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);
}
