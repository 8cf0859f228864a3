using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace PriceIngest.EmbeddedPostgres;

/// <summary>
/// Finds the processes of one cluster. Every PostgreSQL process (the postmaster and all its
/// children) runs with the data folder as its working directory, so /proc/&lt;pid&gt;/cwd identifies
/// them even when postmaster.pid is stale, names a reused pid, or the postmaster was killed and its
/// children linger. Without procfs (not Linux) only the pid file is used.
/// </summary>
internal static class ServerProcesses
{
    private static bool HasProcFs => Directory.Exists("/proc/self");

    /// <summary>The pid on the first line of postmaster.pid, or <c>null</c> when there is no readable pid file.</summary>
    public static int? ReadPostmasterPid(string pidFile)
    {
        try
        {
            var firstLine = File.ReadLines(pidFile).FirstOrDefault()?.Trim();
            return int.TryParse(firstLine, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : null;
        }
        catch (IOException)
        {
            return null; // missing, or being rewritten
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="pid"/> is a live process of the cluster in <paramref name="canonicalDataDirectory"/>.</summary>
    public static bool IsRunningIn(int pid, string canonicalDataDirectory)
    {
        if (HasProcFs)
        {
            return WorkingDirectory(pid) == canonicalDataDirectory;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Every live process whose working directory is the data folder (zombies excluded).</summary>
    public static IReadOnlyList<int> FindIn(string canonicalDataDirectory)
    {
        if (!HasProcFs)
        {
            return [];
        }

        var found = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && pid != Environment.ProcessId
                && WorkingDirectory(pid) == canonicalDataDirectory)
            {
                found.Add(pid);
            }
        }

        return found;
    }

    /// <summary>Sends SIGKILL; false when the process is already gone.</summary>
    public static bool Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        catch (Win32Exception)
        {
            return false;
        }
    }

    private static string? WorkingDirectory(int pid)
    {
        try
        {
            return new DirectoryInfo($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cwd").LinkTarget;
        }
        catch (IOException)
        {
            return null; // exited, or a zombie
        }
        catch (UnauthorizedAccessException)
        {
            return null; // another user's process
        }
    }
}
