using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PriceIngest.Grains.Lanes;

namespace PriceIngest.Grains.Membership;

/// <summary>
/// This silo's membership: registers once the server listens (joining, then active), heartbeats,
/// sweeps stale rows, and on SIGTERM drains: "draining" so gateways stop sending work, serve what
/// is in flight (bounded by <see cref="MembershipOptions.DrainTimeout"/>), leave the table, and
/// only then let the server stop. A silo that finds itself dead reloads every cached lane and
/// registers again under a new identity.
/// </summary>
internal sealed class SiloMembership(
    MembershipTable table,
    ISiloEndpoint endpoint,
    InFlightWork work,
    LaneSnapshots active,
    LaneLoader loader,
    IOptions<MembershipOptions> options,
    ILogger<SiloMembership> logger) : IHostedLifecycleService, IDisposable
{
    private static readonly string Version =
        typeof(SiloMembership).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";

    private readonly CancellationTokenSource _stopping = new();
    private Task _heartbeats = Task.CompletedTask;
    private volatile bool _draining;

    /// <summary>The current identity (a new one after this silo found itself dead).</summary>
    public Guid Id { get; private set; } = Guid.NewGuid();

    /// <summary>How many times this process re-registered after being declared dead.</summary>
    public int Reincarnations { get; private set; }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        await JoinAsync(cancellationToken);
        _heartbeats = HeartbeatLoopAsync(_stopping.Token);
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        var clock = Stopwatch.StartNew();
        var id = Id;
        try
        {
            await table.SetStatusAsync(id, SiloStatus.Draining, cancellationToken);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            MembershipLog.LeaveFailed(logger, id, e);
        }

        MembershipLog.Draining(logger, id, work.Count);
        using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        drain.CancelAfter(options.Value.DrainTimeout);
        try
        {
            // Keep serving while gateways catch up with "draining", then until in-flight work is done.
            await Task.Delay(options.Value.DrainGrace, drain.Token);
            await work.WaitIdleAsync(drain.Token);
        }
        catch (OperationCanceledException)
        {
            // Drain timeout: stop anyway; what is still running is cancelled and rolls back.
        }

        await _stopping.CancelAsync();
        await _heartbeats;
        try
        {
            await table.RemoveAsync(id, CancellationToken.None);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            MembershipLog.LeaveFailed(logger, id, e);
        }

        MembershipLog.Drained(logger, id, clock.ElapsedMilliseconds, work.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _stopping.CancelAsync();

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _stopping.Dispose();

    private async Task JoinAsync(CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid();
        await table.RegisterAsync(id, endpoint.GrpcAddress, Version, cancellationToken);
        Id = id;
        if (!_draining && await table.SetStatusAsync(id, SiloStatus.Active, cancellationToken))
        {
            MembershipLog.Active(logger, id, endpoint.GrpcAddress);
        }
    }

    private async Task HeartbeatLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatPeriod);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await BeatAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task BeatAsync(CancellationToken cancellationToken)
    {
        try
        {
            var o = options.Value;
            if (!await table.HeartbeatAsync(Id, o.DeadAfter, cancellationToken) && !_draining)
            {
                await ReincarnateAsync(cancellationToken);
            }

            if (await table.SweepAsync(o.DeadAfter, o.CleanupAfter, cancellationToken) is > 0 and var marked)
            {
                MembershipLog.MarkedDead(logger, marked);
            }
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            MembershipLog.HeartbeatFailed(logger, Id, e);
        }
    }

    /// <summary>
    /// Everyone treats this silo as dead; commits may have passed it by. Reload every cached lane
    /// from PostgreSQL before serving again under a new identity.
    /// </summary>
    private async Task ReincarnateAsync(CancellationToken cancellationToken)
    {
        MembershipLog.FoundDead(logger, Id, active.Count);
        await table.SetStatusAsync(Id, SiloStatus.Dead, cancellationToken);
        await active.ReloadAllAsync(loader);
        Reincarnations++;
        await JoinAsync(cancellationToken);
    }
}
