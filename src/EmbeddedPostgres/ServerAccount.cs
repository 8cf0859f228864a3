namespace PriceIngest.EmbeddedPostgres;

/// <summary>
/// The account that runs initdb, pg_ctl and postgres. PostgreSQL refuses to run as root, so when
/// this process is root (containers, CI) those programs run as the unprivileged <c>postgres</c>
/// account through <c>setpriv</c> (or <c>runuser</c>), and the folders they need are handed to it.
/// Otherwise they run as the current user.
/// </summary>
internal sealed class ServerAccount
{
    /// <summary>The account used when we are root.</summary>
    public const string UserWhenRoot = "postgres";

    private readonly string? _switchTool;

    private ServerAccount(string? userName, string? switchTool)
    {
        UserName = userName;
        _switchTool = switchTool;
    }

    /// <summary>The account to switch to, or <c>null</c> to run as the current user.</summary>
    public string? UserName { get; }

    public static ServerAccount Detect()
    {
        if (!IsRoot())
        {
            return new ServerAccount(null, null);
        }

        var switchTool = ExecutableSearch.Find("setpriv") ?? ExecutableSearch.Find("runuser")
            ?? throw new PostgresServerException(
                $"Running as root, and PostgreSQL refuses to run as root; neither setpriv nor runuser was found to run it as the '{UserWhenRoot}' account.");
        return new ServerAccount(UserWhenRoot, switchTool);
    }

    /// <summary>A command that runs <paramref name="fileName"/> as this account.</summary>
    public ProcessCommand Command(string name, string fileName, IEnumerable<string> arguments, string? standardInput = null)
    {
        if (UserName is null || _switchTool is null)
        {
            return new ProcessCommand(name, fileName, arguments.ToList(), standardInput);
        }

        List<string> prefix = Path.GetFileName(_switchTool) == "setpriv"
            ? [$"--reuid={UserName}", $"--regid={UserName}", "--init-groups", "--"]
            : ["-u", UserName, "--"];
        return new ProcessCommand(name, _switchTool, [.. prefix, fileName, .. arguments], standardInput);
    }

    /// <summary>Makes the account the owner of the given paths (no-op when not switching accounts).</summary>
    public async Task GiveOwnershipAsync(IReadOnlyList<string> paths, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (UserName is null || paths.Count == 0)
        {
            return;
        }

        var chown = ExecutableSearch.Find("chown") ?? throw new PostgresServerException("chown was not found on PATH.");
        var result = await ProcessRunner.RunAsync(new ProcessCommand("chown", chown, [$"{UserName}:", .. paths]), timeout, cancellationToken);
        if (!result.Succeeded)
        {
            throw new PostgresServerException(
                $"Could not hand {string.Join(", ", paths)} to the '{UserName}' account (PostgreSQL refuses to run as root). {result.Describe()}");
        }
    }

    /// <summary>Fails with a clear message when the account cannot create files in <paramref name="directory"/>.</summary>
    public async Task EnsureCanWriteAsync(string directory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (UserName is null)
        {
            return;
        }

        var test = ExecutableSearch.Find("test") ?? "/usr/bin/test";
        var result = await ProcessRunner.RunAsync(Command("test -w", test, ["-w", directory]), timeout, cancellationToken);
        if (!result.Succeeded)
        {
            throw new PostgresServerException(
                $"The '{UserName}' account, which runs PostgreSQL because this process is root, cannot write to {directory}. " +
                "Every parent folder must be traversable by it (e.g. chmod o+x), or choose a folder under /tmp. " + result.Describe());
        }
    }

    private static bool IsRoot()
    {
        try
        {
            // "Uid:\t<real>\t<effective>\t<saved>\t<filesystem>"
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            var fields = line?.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (fields is { Length: > 2 })
            {
                return fields[2] == "0";
            }
        }
        catch (IOException)
        {
            // No procfs (not Linux): fall back to the user name.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }

        return string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
    }
}
