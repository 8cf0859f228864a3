using System.Text.Json;

namespace PriceIngest.Bench.Reporting;

public static class JsonReport
{
    public static async Task WriteAsync(BenchReport report, string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, report, ReportJsonContext.Default.BenchReport, cancellationToken);
    }
}
