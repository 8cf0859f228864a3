namespace PriceIngest.Bench.Hosting;

/// <summary>The silo of the run: started once, restarted to make every lane cold.</summary>
public sealed class SiloHost(string connectionString, string logPath) : IAsyncDisposable
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

        _current = await SiloProcess.StartAsync(connectionString, logPath, cancellationToken);
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
