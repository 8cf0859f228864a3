using System.Diagnostics;
using System.Globalization;
using PriceIngest.Api.Hosting;

namespace PriceIngest.Silo.LocalMode;

/// <summary>
/// Local mode's claim on its data folder: a lock on a file beside it (initdb wants the folder itself
/// empty), held for the life of the process; the kernel drops it when the process ends, however it
/// ends. A second silo on the same folder would stop the first one's PostgreSQL to start its own; it
/// refuses instead, naming the running process.
/// </summary>
internal sealed class DataFolderLock : IDisposable
{
    private readonly FileStream _lock;

    private DataFolderLock(FileStream held) => _lock = held;

    public static DataFolderLock Acquire(string dataDirectory)
    {
        var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDirectory));
        Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
        var lockPath = folder + ".lock";
        var ownerPath = folder + ".owner";
        FileStream held;
        try
        {
            // FileShare.None is an exclusive flock(2) on Unix.
            held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            var owner = File.Exists(ownerPath) ? File.ReadAllText(ownerPath).Trim() : "another process";
            throw new StartupRefusedException(
                $"the data folder {folder} is in use by {owner}; stop that silo first, or give this one its own folder with --data-dir");
        }

        using var process = Process.GetCurrentProcess();
        File.WriteAllText(ownerPath, string.Create(CultureInfo.InvariantCulture,
            $"silo process {Environment.ProcessId} ({process.ProcessName}, started {process.StartTime.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC)"));
        return new DataFolderLock(held);
    }

    public void Dispose() => _lock.Dispose();
}
