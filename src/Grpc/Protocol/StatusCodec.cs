using System.Globalization;
using Google.Protobuf;
using PriceIngest.Grpc.Core;

namespace PriceIngest.Grpc.Protocol;

/// <summary>Reads and writes grpc-status, grpc-message and grpc-status-details-bin.</summary>
internal static class StatusCodec
{
    /// <summary>Writes the status headers through <paramref name="set"/> (headers or trailers).</summary>
    public static void Write(Status status, Action<string, string> set)
    {
        set(GrpcHeaders.Status, ((int)status.StatusCode).ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(status.Detail))
        {
            set(GrpcHeaders.Message, PercentEncoding.Encode(status.Detail));
        }

        if (status.RichStatus is { } rich)
        {
            set(GrpcHeaders.StatusDetails, Convert.ToBase64String(rich.ToByteArray()).TrimEnd('='));
        }
    }

    /// <summary>Reads a status; null when grpc-status is absent.</summary>
    public static Status? Read(Func<string, string?> get)
    {
        var code = get(GrpcHeaders.Status);
        if (code is null)
        {
            return null;
        }

        if (!int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return new Status(StatusCode.Unknown, $"Invalid grpc-status value '{code}'.");
        }

        var message = get(GrpcHeaders.Message);
        Rpc.Status? rich = null;
        if (get(GrpcHeaders.StatusDetails) is { } details)
        {
            try
            {
                rich = Rpc.Status.Parser.ParseFrom(MetadataCodec.DecodeBase64(details));
            }
            catch (Exception e) when (e is FormatException or InvalidProtocolBufferException)
            {
                // Unreadable details do not change the outcome of the call; the code and message stand.
            }
        }

        return new Status((StatusCode)value, message is null ? string.Empty : PercentEncoding.Decode(message), rich);
    }
}
