namespace PriceIngest.Bench.Contenders.Service;

/// <summary>The service answered with something the bench did not expect.</summary>
public sealed class ServiceCallException : Exception
{
    public ServiceCallException()
    {
    }

    public ServiceCallException(string message)
        : base(message)
    {
    }

    public ServiceCallException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
