using PriceIngest.Grains.Membership;

namespace PriceIngest.Silo.Cluster;

/// <summary>Counts every call but health checks and metrics scrapes, so a drain waits for real work only.</summary>
internal static class InFlightMiddleware
{
    public static IApplicationBuilder UseInFlightCounting(this IApplicationBuilder app, InFlightWork work) =>
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics") || path.StartsWithSegments("/grpc.health.v1.Health"))
            {
                await next(context);
                return;
            }

            work.Enter();
            try
            {
                await next(context);
            }
            finally
            {
                work.Exit();
            }
        });
}
