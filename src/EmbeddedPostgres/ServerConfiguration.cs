using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace PriceIngest.EmbeddedPostgres;

/// <summary>
/// Renders our postgresql.conf settings. They go into a separate include file that is rewritten at
/// every start, so changed options apply to kept data folders and postgresql.conf stays initdb's.
/// </summary>
internal static partial class ServerConfiguration
{
    private static readonly string[] ReservedSettings = ["port", "listen_addresses"];

    public static void ValidateSettings(IReadOnlyDictionary<string, string> settings)
    {
        foreach (var (name, value) in settings)
        {
            if (!SettingName().IsMatch(name))
            {
                throw new ArgumentException($"'{name}' is not a valid PostgreSQL setting name.", nameof(settings));
            }

            if (ReservedSettings.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw new ArgumentException(
                    $"'{name}' cannot be set through Settings: use PostgresServerOptions.Port; the embedded server always listens on 127.0.0.1 only.",
                    nameof(settings));
            }

            if (value is null || value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
            {
                throw new ArgumentException($"The value of setting '{name}' must be a single line.", nameof(settings));
            }
        }
    }

    /// <summary>
    /// pg_hba.conf, rewritten at every start (also over a folder initdb'ed with trust by an older
    /// version): the superuser's password on the private socket and on 127.0.0.1, nothing else (no
    /// trust, no replication).
    /// </summary>
    public const string HostBasedAuthentication = """
        # Written by PriceIngest.EmbeddedPostgres at every start: edits here are lost.
        # TYPE  DATABASE  USER  ADDRESS       METHOD
        local   all       all                 scram-sha-256
        host    all       all   127.0.0.1/32  scram-sha-256

        """;

    public static string Render(PostgresServerOptions options, DataDirectoryLayout layout, int port)
    {
        // Later entries replace earlier ones with the same (case-insensitive) name.
        var settings = new List<KeyValuePair<string, string>>
        {
            // Loopback only: the embedded server is private to this machine.
            new("listen_addresses", "127.0.0.1"),
            new("port", port.ToString(CultureInfo.InvariantCulture)),
            new("unix_socket_directories", layout.SocketDirectorySetting),
            new("unix_socket_permissions", "0700"),
            new("password_encryption", "scram-sha-256"),
            new("max_connections", "200"),
            new("shared_buffers", "256MB"),
            new("max_wal_size", "4GB"),
            new("checkpoint_timeout", "30min"),
            new("wal_compression", "off"),
            // pg_ctl -l sends the server's stderr to log/server.log inside the data folder.
            new("logging_collector", "off"),
            new("log_destination", "stderr"),
        };

        if (!options.Durable)
        {
            settings.Add(new("fsync", "off"));
            settings.Add(new("synchronous_commit", "off"));
            settings.Add(new("full_page_writes", "off"));
        }

        settings.AddRange(options.Settings);

        var merged = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var order = new List<string>();
        foreach (var (name, value) in settings)
        {
            if (!merged.ContainsKey(name))
            {
                order.Add(name);
            }

            merged[name] = value;
        }

        var text = new StringBuilder()
            .AppendLine("# Written by PriceIngest.EmbeddedPostgres at every start: edits here are lost.")
            .AppendLine("# Use PostgresServerOptions.Settings instead.");
        foreach (var name in order)
        {
            text.Append(name).Append(" = ").AppendLine(Quote(merged[name]));
        }

        return text.ToString();
    }

    /// <summary>Makes postgresql.conf include our file (once; idempotent).</summary>
    public static void EnsureIncluded(DataDirectoryLayout layout)
    {
        const string line = $"include = '{DataDirectoryLayout.IncludeFileName}'";
        var lines = File.ReadAllLines(layout.MainConfigFile);
        if (!lines.Any(l => l.Trim() == line))
        {
            File.AppendAllText(layout.MainConfigFile, $"{Environment.NewLine}# Added by PriceIngest.EmbeddedPostgres{Environment.NewLine}{line}{Environment.NewLine}");
        }
    }

    /// <summary>A postgresql.conf string literal; backslashes are escapes there too.</summary>
    private static string Quote(string value) =>
        "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.]*$")]
    private static partial Regex SettingName();
}
