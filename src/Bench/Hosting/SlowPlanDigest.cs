namespace PriceIngest.Bench.Hosting;

/// <summary>
/// Reads auto_explain's entries in the server log (statements over 250 ms, with their plans): how
/// many of the silo's lane-load queries were that slow, and how many of those scan whole segments.
/// </summary>
public sealed record SlowPlanDigest(int SlowLaneLoads, int SlowLaneLoadsWithSegmentSeqScans, int SlowStatements)
{
    public static SlowPlanDigest Read(string serverLog)
    {
        var entries = new List<string>();
        var current = new System.Text.StringBuilder();
        foreach (var line in File.ReadLines(serverLog))
        {
            if (line.Contains("LOG:  duration:", StringComparison.Ordinal))
            {
                Flush();
                current.Append(line).Append('\n');
            }
            else if (current.Length > 0)
            {
                if (line.Contains("LOG:", StringComparison.Ordinal) || line.Contains("ERROR:", StringComparison.Ordinal))
                {
                    Flush();
                }
                else
                {
                    current.Append(line).Append('\n');
                }
            }
        }

        Flush();
        var loads = entries.Where(e => e.Contains("from prices p where p.lane = l.lane", StringComparison.Ordinal)).ToList();
        return new(loads.Count, loads.Count(e => e.Contains("Seq Scan on prices_s", StringComparison.Ordinal)), entries.Count);

        void Flush()
        {
            if (current.Length > 0)
            {
                entries.Add(current.ToString());
                current.Clear();
            }
        }
    }
}
