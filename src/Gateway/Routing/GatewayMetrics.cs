using System.Diagnostics.Metrics;

namespace PriceIngest.Gateway.Routing;

/// <summary>
/// Routing as operators see it (meter "PriceIngest.Gateway"): calls into the cluster, retries and
/// exhausted retry budgets per kind (lookup, upload, batch, reference, exchange_rates).
/// </summary>
internal sealed class GatewayMetrics
{
    public const string MeterName = "PriceIngest.Gateway";

    public const string Lookup = "lookup";
    public const string Upload = "upload";
    public const string Batch = "batch";
    public const string Reference = "reference";
    public const string ExchangeRates = "exchange_rates";

    private readonly Counter<long> _calls;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _exhausted;

    public GatewayMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _calls = meter.CreateCounter<long>("priceingest.gateway.silo_calls", "{call}", "Calls sent into the cluster, by kind");
        _retries = meter.CreateCounter<long>("priceingest.gateway.retries", "{retry}", "Calls retried on another silo, by kind");
        _exhausted = meter.CreateCounter<long>("priceingest.gateway.retry_budget_exhausted", "{request}", "Requests answered UNAVAILABLE after the last allowed attempt, by kind");

        // Every series exists at zero from the gateway's first call on, so that rate() and the
        // dashboard see "no retries" rather than no data.
        foreach (var kind in (string[])[Lookup, Upload, Batch, Reference, ExchangeRates])
        {
            _calls.Add(0, Tag("kind", kind));
            _retries.Add(0, Tag("kind", kind));
            _exhausted.Add(0, Tag("kind", kind));
        }
    }

    public void Call(string kind) => _calls.Add(1, Tag("kind", kind));

    public void Retry(string kind) => _retries.Add(1, Tag("kind", kind));

    public void Exhausted(string kind) => _exhausted.Add(1, Tag("kind", kind));

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);
}
