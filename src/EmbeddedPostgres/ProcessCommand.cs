namespace PriceIngest.EmbeddedPostgres;

/// <summary>An executable and its arguments (passed as an argument vector, never through a shell).</summary>
/// <param name="Name">Short human-readable name for messages, e.g. "pg_ctl start".</param>
/// <param name="StandardInput">Written to the process's stdin (then closed): how a secret reaches it, never in its arguments.</param>
internal sealed record ProcessCommand(string Name, string FileName, IReadOnlyList<string> Arguments, string? StandardInput = null);
