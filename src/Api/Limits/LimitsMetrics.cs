using System.Diagnostics.Metrics;

namespace PriceIngest.Api.Limits;

/// <summary>Calls refused by a caller limit (meter "PriceIngest.Api"), by reason.</summary>
internal sealed class LimitsMetrics
{
    public const string MeterName = "PriceIngest.Api";

    private readonly Counter<long> _refused;

    public LimitsMetrics(IMeterFactory meters)
    {
        _refused = meters.Create(MeterName).CreateCounter<long>(
            "priceingest.calls.refused", "{call}", "Calls refused by a limit: uploads_per_caller, requests_per_caller, upload_stalled");
    }

    public void Refused(string reason) => _refused.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
