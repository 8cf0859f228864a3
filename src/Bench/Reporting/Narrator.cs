using Spectre.Console;

namespace PriceIngest.Bench.Reporting;

/// <summary>Progress lines on stderr (stdout carries only the markdown report).</summary>
public sealed class Narrator
{
    private readonly IAnsiConsole _console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
    private readonly long _started = Measurement.Elapsed.Now();

    public void Step(string text) =>
        _console.MarkupLineInterpolated($"[grey]{Measurement.Elapsed.MillisecondsSince(_started) / 1000,7:F1}s[/] {text}");

    public void Failure(string text) => _console.MarkupLineInterpolated($"[red bold]{text}[/]");

    public void Success(string text) => _console.MarkupLineInterpolated($"[green]{text}[/]");
}
