namespace PriceIngest.EmbeddedPostgres;

/// <summary>Exit code and captured output of a finished child process.</summary>
internal sealed record ProcessResult(string CommandName, int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>A one-paragraph description for exception messages.</summary>
    public string Describe()
    {
        var output = string.Join(Environment.NewLine, new[] { StandardOutput.Trim(), StandardError.Trim() }.Where(s => s.Length > 0));
        return output.Length == 0
            ? $"{CommandName} exited with code {ExitCode} and printed nothing."
            : $"{CommandName} exited with code {ExitCode}:{Environment.NewLine}{output}";
    }
}
