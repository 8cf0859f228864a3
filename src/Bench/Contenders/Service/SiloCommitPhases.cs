using PriceIngest.Bench.Hosting;
using PriceIngest.Bench.Measurement;

namespace PriceIngest.Bench.Contenders.Service;

/// <summary>The silo's own view of a commit: when its commit log line arrived, and the phase timings it carries.</summary>
internal static class SiloCommitPhases
{
    public static async Task AddAsync(
        SiloHost silo, string batchId, long started, long answeredAt, Dictionary<string, double> phases, CancellationToken cancellationToken)
    {
        var text = $"Batch {batchId} committed";

        // Give the console logger a moment: its line may trail the answer.
        for (var wait = 0; wait < 20 && silo.Current.FindLine(text, started) is null; wait++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(25), cancellationToken);
        }

        if (silo.Current.FindLine(text, started) is var (committedAt, line))
        {
            phases["silo log: 'committed' line arrived (from start)"] = Elapsed.MillisecondsBetween(started, committedAt);
            phases["silo log: 'committed' line -> receipt (apply to cached lanes, answer)"] = Elapsed.MillisecondsBetween(committedAt, answeredAt);
            foreach (var (phase, ms) in CommitLogLine.Phases(line))
            {
                phases["silo: " + phase] = ms;
            }
        }
    }
}
