using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PriceIngest.Gateway.Hosting;
using PriceIngest.Gateway.Membership;
using PriceIngest.Contracts.Internal.V1;
using PriceIngest.Contracts.V1;
using PriceIngest.Grains.Membership;
using Grpc.Net.Client;

namespace PriceIngest.Gateway.Routing;

/// <summary>
/// One HTTP/2 channel per silo endpoint, and the silos this gateway saw fail recently: they are
/// skipped for <see cref="GatewayOptions.SuspectFor"/> even if the table still lists them
/// (a SIGKILLed silo stays "active" until its heartbeat goes stale).
/// </summary>
internal sealed class SiloChannels : IDisposable
{
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, long> _suspectUntil = new();
    private readonly SiloDirectory _directory;
    private readonly TimeProvider _time;
    private readonly IOptions<GatewayOptions> _options;

    public SiloChannels(SiloDirectory directory, TimeProvider time, IOptions<GatewayOptions> options)
    {
        (_directory, _time, _options) = (directory, time, options);
        directory.Changed += Forget;
    }

    public GrpcChannel For(SiloEntry silo) =>
        _channels.GetOrAdd(silo.Endpoint, endpoint => GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 64 * 1024 * 1024,
            MaxSendMessageSize = 64 * 1024 * 1024,
            HttpHandler = new SocketsHttpHandler
            {
                // A silo that does not accept within 2 s is treated as failed (and suspected).
                ConnectTimeout = TimeSpan.FromSeconds(2),
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                KeepAlivePingDelay = TimeSpan.FromSeconds(60),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
            },
        }));

    public SiloService.SiloServiceClient Silo(SiloEntry silo) => new(For(silo));

    public IngestService.IngestServiceClient Ingest(SiloEntry silo) => new(For(silo));

    /// <summary>Active silos not excluded by the caller and not suspect; if every one is suspect, all active ones.</summary>
    public IReadOnlyList<SiloEntry> Candidates(IReadOnlySet<Guid>? excluded = null)
    {
        var now = _time.GetTimestamp();
        var active = _directory.View.Active.Where(s => excluded is null || !excluded.Contains(s.Id)).ToList();
        var healthy = active.Where(s => !_suspectUntil.TryGetValue(s.Id, out var until) || until < now).ToList();
        return healthy.Count > 0 ? healthy : active;
    }

    public void Suspect(SiloEntry silo)
    {
        _suspectUntil[silo.Id] = _time.GetTimestamp() + (long)(_options.Value.SuspectFor.TotalSeconds * _time.TimestampFrequency);
        _directory.Poke();
    }

    public void Dispose()
    {
        _directory.Changed -= Forget;
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
    }

    /// <summary>Closes channels of silos that left the table (their in-flight calls have finished: they drained).</summary>
    private void Forget(SiloView view)
    {
        var live = view.Live.Select(s => s.Endpoint).ToHashSet(StringComparer.Ordinal);
        foreach (var endpoint in _channels.Keys.Where(e => !live.Contains(e)).ToList())
        {
            if (_channels.TryRemove(endpoint, out var channel))
            {
                channel.Dispose();
            }
        }

        foreach (var id in _suspectUntil.Keys.Where(id => view.Live.All(s => s.Id != id)).ToList())
        {
            _suspectUntil.TryRemove(id, out _);
        }
    }
}
