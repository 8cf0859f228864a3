using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace PriceIngest.Api.Hosting;

/// <summary>
/// What silos and gateways must agree on to form one Orleans cluster: configuration section
/// "Cluster", bound onto Orleans's own option types (which Orleans validates at start-up).
/// </summary>
public static class ClusterConfiguration
{
    public const string Section = "Cluster";

    /// <summary>The default of both <c>Cluster:ClusterId</c> and <c>Cluster:ServiceId</c>.</summary>
    public const string DefaultName = "priceingest";

    /// <summary>Cluster and service id (default "priceingest"); the membership table holds one cluster per id.</summary>
    public static IServiceCollection AddClusterOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClusterOptions>()
            .Configure(o => (o.ClusterId, o.ServiceId) = (DefaultName, DefaultName))
            .Bind(configuration.GetSection(Section));
        return services;
    }
}
