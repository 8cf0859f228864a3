using PriceIngest.Client;
using PriceIngest.Client.Sources;
using Grpc.Core;

namespace PriceIngest.Cli;

/// <summary>Turns a failure into one line on stderr and an exit code.</summary>
internal static class Failures
{
    public static int Report(Exception exception, CliConsole console, Uri server, int attempts, CancellationToken cancellationToken)
    {
        switch (exception)
        {
            case RpcException rpc:
                return Report(rpc, console, server, attempts);
            case PriceFileException file:
                console.Fail($"cannot read the input, {file.Message}; nothing was committed");
                return ExitCodes.Rejected;
            case FileNotFoundException or DirectoryNotFoundException:
                console.Fail($"no such file: {exception.Message}");
                return ExitCodes.Usage;
            case UnauthorizedAccessException or IOException:
                console.Fail($"cannot read the input: {exception.Message}");
                return ExitCodes.Other;
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                console.Fail("cancelled; nothing of an unfinished upload was committed");
                return ExitCodes.Other;
            default:
                console.Fail($"unexpected error: {exception.GetType().Name}: {exception.Message}");
                return ExitCodes.Other;
        }
    }

    private static int Report(RpcException rpc, CliConsole console, Uri server, int attempts)
    {
        var detail = Detail(rpc);
        var code = Name(rpc.StatusCode);
        switch (rpc.StatusCode)
        {
            case StatusCode.Unavailable:
                console.Fail($"server {server} unavailable{(attempts > 1 ? $" after {attempts} attempts" : string.Empty)}: {detail}");
                return ExitCodes.Unavailable;
            case StatusCode.ResourceExhausted when Transient.RetryAfter(rpc) is not null:
                console.Fail($"server {server} refused the call{(attempts > 1 ? $" {attempts} times" : string.Empty)}: {detail}");
                return ExitCodes.Unavailable;
            case StatusCode.DeadlineExceeded:
                console.Fail($"server {server} did not answer in time ({code}); nothing of an unfinished upload was committed");
                return ExitCodes.Unavailable;
            case StatusCode.InvalidArgument or StatusCode.NotFound or StatusCode.OutOfRange
                or StatusCode.FailedPrecondition or StatusCode.ResourceExhausted:
                console.Fail($"{detail} ({code})");
                return ExitCodes.Rejected;
            case StatusCode.Unauthenticated:
                console.Fail($"{detail} ({code}: pass a key with --api-key or $PRICEINGEST_API_KEY; 'priceingest keys new' mints one)");
                return ExitCodes.Rejected;
            case StatusCode.PermissionDenied:
                console.Fail($"{detail} ({code})");
                return ExitCodes.Rejected;
            case StatusCode.AlreadyExists:
                console.Fail($"{detail} ({code}: this batch id is being uploaded right now; ask for its status with 'priceingest batch ID' later)");
                return ExitCodes.Other;
            case StatusCode.Cancelled:
                console.Fail($"the call was cancelled ({code}): {detail}");
                return ExitCodes.Other;
            default:
                console.Fail($"{detail} ({code})");
                return ExitCodes.Other;
        }
    }

    /// <summary>
    /// The status's detail; for a failure the client saw itself (connection refused, reset, TLS),
    /// Grpc.Net.Client's generic detail plus the innermost cause, which says what actually happened.
    /// </summary>
    public static string Detail(RpcException rpc)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        var detail = string.IsNullOrWhiteSpace(rpc.Status.Detail) ? "(no detail)" : rpc.Status.Detail;
        if (rpc.Status.DebugException is { } cause)
        {
            while (cause.InnerException is not null)
            {
                cause = cause.InnerException;
            }

            detail = $"{detail} ({cause.Message})";
        }

        return detail;
    }

    /// <summary>The canonical name: INVALID_ARGUMENT, NOT_FOUND, ...</summary>
    public static string Name(StatusCode code)
    {
        var text = code.ToString();
        var builder = new System.Text.StringBuilder(text.Length + 4);
        for (var i = 0; i < text.Length; i++)
        {
            if (i > 0 && char.IsUpper(text[i]))
            {
                builder.Append('_');
            }

            builder.Append(char.ToUpperInvariant(text[i]));
        }

        return builder.ToString();
    }
}
