namespace PriceIngest.Api.Security;

/// <summary>Who may call the public APIs (configuration section "Security").</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>
    /// The API keys file (<c>--api-keys</c>): lines <c>name,role,sha256-hex-of-key</c>, re-read when it
    /// changes. Default none: every caller is anonymous with every role, which a process accepts
    /// only while it listens on loopback (or with <see cref="AllowAnonymous"/>).
    /// </summary>
    public string? ApiKeysFile { get; set; }

    /// <summary>Serve anonymous callers even when listening beyond loopback. Default false; logs a warning when used.</summary>
    public bool AllowAnonymous { get; set; }
}
