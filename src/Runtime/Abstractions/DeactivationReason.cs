namespace PriceIngest.Runtime;

public enum DeactivationReason
{
    IdleTimeout,
    CapacityExceeded,
    ApplicationRequested,
    RuntimeShutdown,
}
