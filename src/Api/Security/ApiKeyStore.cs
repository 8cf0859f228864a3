using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PriceIngest.Api.Hosting;
using PriceIngest.Formats;

namespace PriceIngest.Api.Security;

/// <summary>
/// The keys of <see cref="SecurityOptions.ApiKeysFile"/>, re-read when the file changes (so a key
/// is added or revoked without a restart; a broken edit keeps the keys in force and logs why).
/// </summary>
public sealed partial class ApiKeyStore : IDisposable
{
    private readonly string? _path;
    private readonly ILogger<ApiKeyStore> _logger;
    private readonly FileSystemWatcher? _watcher;
    private readonly Lock _reload = new();
    private volatile List<ApiKeyEntry> _keys = [];

    public ApiKeyStore(IOptions<SecurityOptions> options, ILogger<ApiKeyStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = logger;
        if (string.IsNullOrWhiteSpace(options.Value.ApiKeysFile))
        {
            if (options.Value.AllowAnonymous)
            {
                LogAnonymousAllowed(_logger);
            }

            return;
        }

        _path = Path.GetFullPath(options.Value.ApiKeysFile);
        _keys = Read(_path);
        LogLoaded(_logger, _keys.Count, _path);
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(_path)!, Path.GetFileName(_path))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Changed += (_, _) => Reload();
        _watcher.Created += (_, _) => Reload();
        _watcher.Renamed += (_, _) => Reload();
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>False when no keys file is configured: callers are anonymous.</summary>
    public bool Enabled => _path is not null;

    /// <summary>The keys file's full path, or null.</summary>
    public string? FilePath => _path;

    /// <summary>The key whose SHA-256 matches, or null. Every stored hash is compared, in constant time each.</summary>
    public ApiKeyEntry? Find(ReadOnlySpan<char> presented)
    {
        var hash = ApiKeyFile.Hash(presented);
        ApiKeyEntry? found = null;
        foreach (var key in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, key.Hash))
            {
                found = key;
            }
        }

        return found;
    }

    public void Dispose() => _watcher?.Dispose();

    private static List<ApiKeyEntry> Read(string path)
    {
        try
        {
            return ApiKeyFile.Parse(File.ReadAllLines(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupRefusedException($"the API keys file '{path}' cannot be read: {e.Message}");
        }
        catch (FormatException e)
        {
            throw new StartupRefusedException($"the API keys file '{path}' is invalid: {e.Message}");
        }
    }

    private void Reload()
    {
        // Editors write in several steps: let them finish, and read once per burst of events.
        Thread.Sleep(50);
        lock (_reload)
        {
            try
            {
                var keys = Read(_path!);
                _keys = keys;
                LogLoaded(_logger, keys.Count, _path!);
            }
            catch (StartupRefusedException e)
            {
                LogReloadFailed(_logger, _path!, e.Message);
            }
        }
    }

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Security:AllowAnonymous is set and no API keys file is given: every caller has every role, reference data and uploads included")]
    private static partial void LogAnonymousAllowed(ILogger logger);

    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "{Count} API key(s) in force from {Path}")]
    private static partial void LogLoaded(ILogger logger, int count, string path);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "The API keys file {Path} changed but was not applied, the keys before stay in force: {Reason}")]
    private static partial void LogReloadFailed(ILogger logger, string path, string reason);
}
