namespace PriceIngest.Bench.Hosting;

/// <summary>
/// A silo of the run: started once, restarted to make every lane cold. <paramref name="settings"/>
/// are extra command-line settings of the process (e.g. <c>--Telemetry:Metrics=false</c>).
/// </summary>
public sealed class SiloHost(string connectionString, string logPath, params string[] settings) : IAsyncDisposable
{
    private SiloProcess? _current;

    public SiloProcess Current => _current ?? throw new InvalidOperationException("the silo is not running");

    public int Starts { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_current is not null)
        {
            await _current.DisposeAsync();
            _current = null;
        }

        _current = await SiloProcess.StartAsync(connectionString, logPath, cancellationToken, settings);
        Starts++;
    }

    public async ValueTask DisposeAsync()
    {
        if (_current is not null)
        {
            await _current.DisposeAsync();
            _current = null;
        }
    }
}
