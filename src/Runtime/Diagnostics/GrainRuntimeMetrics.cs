using System.Diagnostics.Metrics;

namespace PriceIngest.Runtime;

/// <summary>System.Diagnostics.Metrics instruments of the runtime, on the meter "PriceIngest.Runtime".</summary>
internal sealed class GrainRuntimeMetrics
{
    public const string MeterName = "PriceIngest.Runtime";

    // Tag values precomputed: snake_case per OpenTelemetry convention, and no enum formatting per deactivation.
    private static readonly string[] ReasonNames = ["idle_timeout", "capacity_exceeded", "application_requested", "runtime_shutdown"];

    private readonly Counter<long> _activations;
    private readonly Counter<long> _deactivations;
    private readonly Counter<long> _calls;

    public GrainRuntimeMetrics(IMeterFactory meterFactory, Func<int> activeGrains, Func<int> queuedCalls)
    {
        // The factory owns (and disposes) the meter, and scopes it to this container, so parallel hosts don't mix.
        var meter = meterFactory.Create(MeterName);
        _activations = meter.CreateCounter<long>("priceingest.grains.activations", "{activation}", "Grain activations that completed OnActivateAsync.");
        _deactivations = meter.CreateCounter<long>("priceingest.grains.deactivations", "{activation}", "Grain deactivations, tagged with the reason.");
        _calls = meter.CreateCounter<long>("priceingest.grains.calls", "{call}", "Calls made through grain references.");
        meter.CreateObservableGauge("priceingest.grains.active", activeGrains, "{activation}", "Activations currently in the directory.");
        meter.CreateObservableGauge("priceingest.grains.queued", queuedCalls, "{call}", "Calls waiting for their turn.");
    }

    public void Activated() => _activations.Add(1);

    public void Deactivated(DeactivationReason reason) =>
        _deactivations.Add(1, new KeyValuePair<string, object?>("reason", ReasonNames[(int)reason]));

    public void Call() => _calls.Add(1);
}
