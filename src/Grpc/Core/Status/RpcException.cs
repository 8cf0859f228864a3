namespace PriceIngest.Grpc.Core;

/// <summary>
/// A call that ended with a non-OK status. Handlers throw it to answer an error; clients get it
/// when the server (or the local deadline, cancellation or transport) ended the call.
/// </summary>
public sealed class RpcException : Exception
{
    public RpcException(Status status)
        : this(status, new Metadata(), null)
    {
    }

    public RpcException(StatusCode statusCode, string detail)
        : this(new Status(statusCode, detail))
    {
    }

    public RpcException(Status status, Metadata trailers, Exception? innerException = null)
        : base(status.ToString(), innerException)
    {
        Status = status;
        Trailers = trailers;
    }

    public RpcException()
        : this(new Status(StatusCode.Unknown, string.Empty))
    {
    }

    public RpcException(string message)
        : this(new Status(StatusCode.Unknown, message))
    {
    }

    public RpcException(string message, Exception innerException)
        : this(new Status(StatusCode.Unknown, message), new Metadata(), innerException)
    {
    }

    public Status Status { get; }

    public StatusCode StatusCode => Status.StatusCode;

    /// <summary>Trailing metadata: received with the status on a client, sent with it on a server.</summary>
    public Metadata Trailers { get; }

    /// <summary>A rich error whose code and message agree with the status, details attached.</summary>
    public static RpcException WithDetails(StatusCode statusCode, string detail, params Google.Protobuf.IMessage[] details)
    {
        ArgumentNullException.ThrowIfNull(details);
        var rich = new Rpc.Status { Code = (int)statusCode, Message = detail };
        foreach (var message in details)
        {
            rich.Details.Add(Google.Protobuf.WellKnownTypes.Any.Pack(message));
        }

        return new RpcException(new Status(statusCode, detail, rich));
    }
}
