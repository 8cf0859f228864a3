using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace PriceIngest.Grains.Membership;

public static class MembershipServiceCollectionExtensions
{
    /// <summary>The membership table and its timing options (silos and gateways).</summary>
    public static IServiceCollection AddMembershipTable(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MembershipOptions>().Bind(configuration.GetSection(MembershipOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<MembershipTable>();
        return services;
    }

    /// <summary>
    /// A silo's membership: register, heartbeat, drain on stop. The host provides
    /// <see cref="ISiloEndpoint"/> and counts its calls in <see cref="InFlightWork"/>.
    /// </summary>
    public static IServiceCollection AddSiloMembership(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMembershipTable(configuration);
        services.AddSingleton<InFlightWork>();
        services.AddSingleton<SiloMembership>();
        services.AddHostedService(sp => sp.GetRequiredService<SiloMembership>());
        return services;
    }
}
