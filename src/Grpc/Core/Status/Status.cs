namespace PriceIngest.Grpc.Core;

/// <summary>
/// The outcome of a call: a code, a human-readable detail, and optionally a google.rpc.Status
/// carried in grpc-status-details-bin for machine-readable error details.
/// </summary>
public readonly record struct Status(StatusCode StatusCode, string Detail, Rpc.Status? RichStatus = null)
{
    public static Status Ok { get; } = new(StatusCode.OK, string.Empty);

    public override string ToString() =>
        string.IsNullOrEmpty(Detail) ? $"Status(StatusCode=\"{StatusCode}\")" : $"Status(StatusCode=\"{StatusCode}\", Detail=\"{Detail}\")";
}
