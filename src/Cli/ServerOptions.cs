using System.CommandLine;
using PriceIngest.Client;

namespace PriceIngest.Cli;

/// <summary>The connection options every command has (each command gets its own instances).</summary>
internal sealed class ServerOptions
{
    public const string DefaultServer = "http://127.0.0.1:5081";
    public const string ServerVariable = "PRICEINGEST_SERVER";
    public const string AuthorizationVariable = "PRICEINGEST_AUTHORIZATION";
    public const string ApiKeyVariable = "PRICEINGEST_API_KEY";

    private readonly Option<string?> _server = new("--server", "-s")
    {
        Description = $"The server's gRPC address [default: ${ServerVariable}, else {DefaultServer}]",
        HelpName = "URL",
    };

    private readonly Option<double?> _timeout = new("--timeout")
    {
        Description = "Deadline of each attempt in seconds [default: 30 for rates and batch, none for upload]",
        HelpName = "SECONDS",
    };

    private readonly Option<int> _attempts = new("--attempts")
    {
        Description = "Attempts when the server is unavailable (UNAVAILABLE, connection refused or reset), the first included; 1 = no retry. Backoff is exponential with jitter, up to 5 s",
        DefaultValueFactory = _ => 5,
        HelpName = "N",
    };

    private readonly Option<bool> _gzip = new("--gzip") { Description = "Compress request messages with gzip" };

    private readonly Option<string?> _apiKey = new("--api-key")
    {
        Description = $"The API key to call with (sent as 'authorization: Bearer KEY') [default: ${ApiKeyVariable}, which keeps it out of the process list]",
        HelpName = "KEY",
    };

    private readonly Option<string?> _authorization = new("--authorization")
    {
        Description = $"Value of the authorization header sent with every call, e.g. \"Bearer TOKEN\" [default: ${AuthorizationVariable}]",
        HelpName = "VALUE",
    };

    public ServerOptions()
    {
        _attempts.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 100)
            {
                r.AddError("--attempts must be from 1 to 100");
            }
        });
        _timeout.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double?>() is <= 0 or > 86_400)
            {
                r.AddError("--timeout must be a number of seconds above 0 and at most 86400");
            }
        });
    }

    public void AddTo(Command command)
    {
        command.Options.Add(_server);
        command.Options.Add(_timeout);
        command.Options.Add(_attempts);
        command.Options.Add(_gzip);
        command.Options.Add(_apiKey);
        command.Options.Add(_authorization);
    }

    /// <summary>The server address from --server, the environment or the default; null (after a message) when malformed.</summary>
    public Uri? Address(ParseResult parse, CliConsole console)
    {
        var text = parse.GetValue(_server);
        if (string.IsNullOrWhiteSpace(text))
        {
            text = console.GetEnvironment(ServerVariable);
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            text = DefaultServer;
        }

        if (Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0)
        {
            return uri;
        }

        console.Fail($"'{text}' is not a server address: expected http://HOST:PORT or https://HOST:PORT");
        return null;
    }

    public PriceIngestClientOptions ClientOptions(ParseResult parse, CliConsole console, bool upload, Action<RetryNotice> onRetry)
    {
        var timeout = parse.GetValue(_timeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        var authorization = parse.GetValue(_authorization);
        if (string.IsNullOrEmpty(authorization))
        {
            authorization = console.GetEnvironment(AuthorizationVariable);
        }

        var apiKey = parse.GetValue(_apiKey);
        if (string.IsNullOrEmpty(apiKey))
        {
            apiKey = console.GetEnvironment(ApiKeyVariable);
        }

        var options = new PriceIngestClientOptions
        {
            MaxAttempts = parse.GetValue(_attempts),
            UseGzip = parse.GetValue(_gzip),
            ApiKey = string.IsNullOrEmpty(apiKey) ? null : apiKey.Trim(),
            Authorization = string.IsNullOrEmpty(authorization) ? null : authorization,
            Source = "priceingest-cli",
            OnRetry = onRetry,
        };
        if (upload)
        {
            options.UploadTimeout = timeout;
        }
        else if (timeout is not null)
        {
            options.CallTimeout = timeout;
        }

        // Tests shorten the backoff; not documented as a user setting.
        if (int.TryParse(console.GetEnvironment("PRICEINGEST_RETRY_DELAY_MS"), System.Globalization.CultureInfo.InvariantCulture, out var delayMs) && delayMs >= 0)
        {
            options.RetryDelay = TimeSpan.FromMilliseconds(delayMs);
            options.MaxRetryDelay = TimeSpan.FromMilliseconds(Math.Max(delayMs, 1) * 8);
        }

        return options;
    }
}
