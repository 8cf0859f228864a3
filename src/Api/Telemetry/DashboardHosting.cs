using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Dashboard;
using PriceIngest.Api.Security;

namespace PriceIngest.Api.Telemetry;

/// <summary>Orleans's dashboard page on the REST port of a silo or a gateway whose Orleans side added it.</summary>
public static class DashboardHosting
{
    public static void MapOrleansDashboardPage(this WebApplication app)
    {
        if (app.Services.GetRequiredService<TelemetryOptions>().Dashboard)
        {
            // The page polls its data every second: an operator's tab is not a caller to throttle.
            app.MapOrleansDashboard(TelemetryOptions.DashboardPath).RequireAuthorization(ApiPolicies.Admin).DisableRateLimiting();
        }
    }
}
