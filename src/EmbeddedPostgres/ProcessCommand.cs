namespace PriceIngest.EmbeddedPostgres;

/// <summary>An executable and its arguments (passed as an argument vector, never through a shell).</summary>
/// <param name="Name">Short human-readable name for messages, e.g. "pg_ctl start".</param>
internal sealed record ProcessCommand(string Name, string FileName, IReadOnlyList<string> Arguments);
