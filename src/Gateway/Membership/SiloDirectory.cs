using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Npgsql;
using PriceIngest.Grains.Membership;
using PriceIngest.Grains.ReferenceData;

namespace PriceIngest.Gateway.Membership;

/// <summary>
/// The gateway's view of the cluster: the active silos and the reference data, both read from
/// PostgreSQL at start-up, again on every notification (<c>silos_changed</c>, <c>reference_changed</c>)
/// and at least every <see cref="MembershipOptions.RefreshPeriod"/>, so a lost notification costs
/// at most one period.
/// </summary>
internal sealed partial class SiloDirectory(
    NpgsqlDataSource dataSource,
    MembershipTable table,
    ReferenceDataCache reference,
    IOptions<MembershipOptions> options,
    ILogger<SiloDirectory> logger) : BackgroundService
{
    private volatile SiloView _view = SiloView.Empty;
    private readonly SemaphoreSlim _wake = new(0, 1);

    public SiloView View => _view;

    public event Action<SiloView>? Changed;

    /// <summary>Reads the table now (start-up, tests, after a silo refused work).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var live = await table.ReadLiveAsync(options.Value.DeadAfter, cancellationToken);
        var view = new SiloView(live.Where(s => s.Status == PriceIngest.Grains.Membership.SiloStatus.Active).ToImmutableArray(), live);
        if (!view.SameAs(_view))
        {
            _view = view;
            Log.ViewChanged(logger, view.Active.Length, view);
            Changed?.Invoke(view);
        }
    }

    /// <summary>Asks the refresh loop for an early read (after a silo failed or refused work).</summary>
    public void Poke()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listener = ListenAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(options.Value.RefreshPeriod, stoppingToken);
                await RefreshAsync(stoppingToken);
                await reference.ReloadIfChangedAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                Log.RefreshFailed(logger, e);
            }
        }

        await listener;
    }

    /// <summary>LISTENs on its own connection and wakes the refresh loop; reconnects after a failure.</summary>
    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => Poke();
                await using (var command = new NpgsqlCommand($"listen {MembershipTable.ChangeChannel}; listen {ReferenceDataCache.ChangeChannel}", connection))
                {
                    await command.ExecuteNonQueryAsync(stoppingToken);
                }

                Poke();
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
            {
                Log.ListenFailed(logger, e);
                try
                {
                    await Task.Delay(options.Value.RefreshPeriod, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3200, Level = LogLevel.Information, Message = "Active silos: {Count} ({View})")]
        public static partial void ViewChanged(ILogger logger, int count, SiloView view);

        [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "Reading the membership table failed; keeping the last view")]
        public static partial void RefreshFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "LISTEN connection lost; reconnecting")]
        public static partial void ListenFailed(ILogger logger, Exception exception);
    }
}

/// <summary>A snapshot of the cluster: the silos that take work, and every live one (for diagnostics).</summary>
internal sealed record SiloView(ImmutableArray<SiloEntry> Active, ImmutableArray<SiloEntry> Live)
{
    public static SiloView Empty { get; } = new([], []);

    public override string ToString() => string.Join(", ", Active.Select(s => s.Endpoint));

    public bool SameAs(SiloView other) =>
        Live.Length == other.Live.Length && Live.Zip(other.Live).All(p => p.First == p.Second);
}
