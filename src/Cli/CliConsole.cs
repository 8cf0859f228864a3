using Spectre.Console;

namespace PriceIngest.Cli;

/// <summary>
/// Where the CLI reads and writes: results on <see cref="Out"/>, progress and error lines on
/// <see cref="Error"/>, stdin from <see cref="OpenInput"/>, settings from <see cref="GetEnvironment"/>.
/// Tests pass string writers; the program passes the process's own streams.
/// </summary>
public sealed class CliConsole
{
    public CliConsole(TextWriter output, TextWriter error, Func<Stream>? openInput = null, Func<string, string?>? environment = null, bool interactive = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        OutWriter = output;
        ErrorWriter = error;
        OpenInput = openInput ?? (() => Stream.Null);
        GetEnvironment = environment ?? (_ => null);
        Interactive = interactive;
        Out = Create(output, interactive);
        Error = Create(error, interactive);
    }

    public TextWriter OutWriter { get; }

    public TextWriter ErrorWriter { get; }

    public IAnsiConsole Out { get; }

    public IAnsiConsole Error { get; }

    public Func<Stream> OpenInput { get; }

    public Func<string, string?> GetEnvironment { get; }

    /// <summary>True when stderr is a terminal: the live progress bar is drawn there.</summary>
    public bool Interactive { get; }

    public static CliConsole FromSystem() => new(
        Console.Out,
        Console.Error,
        Console.OpenStandardInput,
        Environment.GetEnvironmentVariable,
        interactive: !Console.IsErrorRedirected);

    /// <summary>Writes one plain line to stderr.</summary>
    public void Fail(string message) => ErrorWriter.WriteLine("priceingest: " + message);

    private static IAnsiConsole Create(TextWriter writer, bool interactive)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!interactive)
        {
            // Redirected output: no terminal width to respect, so never wrap table cells.
            console.Profile.Width = 240;
        }

        return console;
    }
}
