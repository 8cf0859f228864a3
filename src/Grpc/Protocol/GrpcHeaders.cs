namespace PriceIngest.Grpc.Protocol;

/// <summary>Header names and values of the gRPC over HTTP/2 protocol (PROTOCOL-HTTP2.md).</summary>
internal static class GrpcHeaders
{
    public const string ContentType = "content-type";
    public const string GrpcContentType = "application/grpc";
    public const string GrpcProtoContentType = "application/grpc+proto";
    public const string Te = "te";
    public const string TeTrailers = "trailers";
    public const string Timeout = "grpc-timeout";
    public const string Encoding = "grpc-encoding";
    public const string AcceptEncoding = "grpc-accept-encoding";
    public const string Status = "grpc-status";
    public const string Message = "grpc-message";
    public const string StatusDetails = "grpc-status-details-bin";
    public const string UserAgent = "user-agent";
    public const string IdentityEncoding = "identity";

    /// <summary>True for application/grpc, application/grpc+proto, application/grpc;charset=... etc.</summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(GrpcContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (contentType.Length == GrpcContentType.Length)
        {
            return true;
        }

        return contentType[GrpcContentType.Length] is '+' or ';';
    }

    /// <summary>
    /// Headers the protocol itself uses; they are not custom metadata and must not be echoed as such.
    /// </summary>
    public static bool IsReserved(string name) =>
        name.StartsWith(':')
        || name.Equals(ContentType, StringComparison.OrdinalIgnoreCase)
        || name.Equals(Te, StringComparison.OrdinalIgnoreCase)
        || name.Equals("host", StringComparison.OrdinalIgnoreCase)
        || name.Equals("content-length", StringComparison.OrdinalIgnoreCase)
        || name.Equals(Timeout, StringComparison.OrdinalIgnoreCase)
        || name.Equals(Encoding, StringComparison.OrdinalIgnoreCase)
        || name.Equals(AcceptEncoding, StringComparison.OrdinalIgnoreCase)
        || name.Equals(Status, StringComparison.OrdinalIgnoreCase)
        || name.Equals(Message, StringComparison.OrdinalIgnoreCase)
        || name.Equals(StatusDetails, StringComparison.OrdinalIgnoreCase);
}
