namespace PriceIngest.Cli;

/// <summary>The exit codes of <c>priceingest</c> (also listed in its --help and the README).</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command line is wrong: unknown option, missing argument, malformed value, missing file.</summary>
    public const int Usage = 2;

    /// <summary>The server (or the file reader) refused the input or the caller: batch rejected, INVALID_ARGUMENT, NOT_FOUND, limits, no or a short key.</summary>
    public const int Rejected = 3;

    /// <summary>The server could not be reached or did not answer in time, after the retries.</summary>
    public const int Unavailable = 4;

    /// <summary>Anything else (ALREADY_EXISTS: the batch id is being uploaded elsewhere; INTERNAL; cancelled).</summary>
    public const int Other = 5;
}
