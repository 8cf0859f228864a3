using System.Net;
using System.Net.Sockets;
using Orleans.Configuration;
using Orleans.Dashboard;
using PriceIngest.Api.Hosting;
using PriceIngest.Api.Telemetry;
using PriceIngest.EmbeddedPostgres;
using PriceIngest.Grains.Hosting;

namespace PriceIngest.Silo.Hosting;

/// <summary>
/// The Orleans silo of this process: ADO.NET clustering on the prices database (the membership
/// tables come from our own migration, applied before Orleans starts), its endpoints, and the
/// membership and messaging timings as documented defaults that configuration overrides.
/// </summary>
internal static class OrleansSiloHosting
{
    /// <summary>Orleans's defaults where nothing else is given: what local mode listens on.</summary>
    public const int DefaultSiloPort = 11111;

    public const int DefaultGatewayPort = 30000;

    /// <summary>Grain addresses of other silos a silo keeps (Orleans: 1,000,000).</summary>
    public const int DefaultDirectoryCacheSize = 32_768;

    public static WebApplicationBuilder AddOrleansSilo(this WebApplicationBuilder builder, SiloOptions silo, string connectionString, bool localMode)
    {
        // Absent ports: Orleans's fixed ones in local mode (one silo per machine), free ones in a
        // cluster so that several silos share a host without configuration.
        var siloPort = silo.SiloPort ?? (localMode ? DefaultSiloPort : FreePort.Pick());
        var gatewayPort = silo.GatewayPort ?? (localMode ? DefaultGatewayPort : FreePort.Pick());
        builder.Services.AddClusterOptions(builder.Configuration);
        var tls = ClusterTls.Load(builder.Configuration);

        // Failure detection tuned as measured here (REGISTRY.md): a SIGKILLed silo is declared dead
        // in about a second instead of 5-12 s, and fewer calls meanwhile go to a dead silo.
        builder.Services.AddOptions<ClusterMembershipOptions>()
            .Configure(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
            })
            .Bind(builder.Configuration.GetSection($"{ClusterConfiguration.Section}:Membership"));
        // Orleans sizes its cache of other silos' grain addresses for 1,000,000 grains up front, and
        // each new activation dirtied a page of it: 2.3 KB of resident memory per lane (6 MiB per
        // million cached lane-days). Every lane of 181 ports fits in this one, and remote lanes are
        // summed through one call per silo, not through their addresses.
        builder.Services.AddOptions<GrainDirectoryOptions>()
            .Configure(o => o.CacheSize = DefaultDirectoryCacheSize)
            .Bind(builder.Configuration.GetSection($"{ClusterConfiguration.Section}:Directory"));
        builder.Services.AddOptions<SiloMessagingOptions>().Bind(builder.Configuration.GetSection($"{ClusterConfiguration.Section}:Messaging"));

        // Lanes activate where they are first read; the rebalancer spreads them when silos join or
        // return from a restart. Its first session starts soon after a change, not after a minute.
        builder.Services.AddOptions<ActivationRebalancerOptions>()
            .Configure(o =>
            {
                o.RebalancerDueTime = TimeSpan.FromSeconds(10);
                o.SessionCyclePeriod = TimeSpan.FromSeconds(5);
            })
            .Bind(builder.Configuration.GetSection($"{ClusterConfiguration.Section}:Rebalancer"));
        builder.UseOrleans(orleans =>
        {
            orleans.AddPriceIngestGrainServices();

            // A grain call carries the caller's trace (W3C context in the message headers), so an
            // upload or a lookup is one trace from the gateway's request to this silo's SQL.
            orleans.AddActivityPropagation();
            if (TelemetryOptions.From(builder.Configuration).Dashboard)
            {
                // Without its live log stream: that would hook every log call of the process.
                orleans.AddDashboard(dashboard => dashboard.HideTrace = true);
            }

            // Experimental in Orleans 10 (ORLEANSEXP002): it is what moves lane activations onto a
            // silo that joined, which placement alone never does for grains already active.
#pragma warning disable ORLEANSEXP002
            orleans.AddActivationRebalancer();
#pragma warning restore ORLEANSEXP002
            orleans.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
            if (tls is not null)
            {
                orleans.UseTls(options => ClusterTls.Configure(options, tls));
            }

            if (silo.HttpHost == "*")
            {
                orleans.ConfigureEndpoints(Dns.GetHostName(), siloPort, gatewayPort, AddressFamily.InterNetwork, listenOnAnyHostAddress: true);
            }
            else
            {
                orleans.ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort);
            }
        });
        return builder;
    }
}
