using System.Globalization;
using System.Runtime.InteropServices;

namespace PriceIngest.Bench.Reporting;

/// <summary>The machine and software the numbers come from.</summary>
public sealed record MachineInfo(
    int Cores, double MemoryGib, string Cpu, string Os, string Runtime, string PostgresVersion,
    IReadOnlyDictionary<string, string> PostgresSettings, string LoadAverageAtStart, string LoadAverageAtEnd)
{
    /// <summary>The 1, 5 and 15 minute load averages (<c>/proc/loadavg</c>): how busy the shared machine was.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    public static MachineInfo Describe(string postgresVersion, IReadOnlyDictionary<string, string> postgresSettings, string loadAverageAtStart)
    {
        double memory = 0;
        var cpu = "unknown";
        try
        {
            var total = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            memory = long.Parse(total.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0 / 1024.0;
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException)
        {
            // Not Linux: leave them unknown.
        }

        return new(Environment.ProcessorCount, Math.Round(memory, 1), cpu, RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription, postgresVersion, postgresSettings, loadAverageAtStart, LoadAverage());
    }
}
