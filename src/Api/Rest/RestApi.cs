using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PriceIngest.Api.Hosting;
using PriceIngest.Api.Limits;
using PriceIngest.Api.Security;

namespace PriceIngest.Api.Rest;

/// <summary>The public REST contract. Keep these routes and shapes stable: clients of the original assignment depend on them.</summary>
public static class RestApi
{
    public static IServiceCollection AddPriceIngestRest(this IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        services.AddOptions<RestOptions>().Bind(configuration.GetSection(RestOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddProblemDetails();
        services.AddExceptionHandler<UnavailableAnswers>();
        services.AddRequestEncodings();
        return services;
    }

    public static IEndpointRouteBuilder MapPriceIngestRest(this IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<RestOptions>>().Value;
        endpoints.MapGet("/rates", RatesEndpoint.GetAsync).RequireAuthorization(ApiPolicies.Read);
        endpoints.MapPost("/batches", BatchesEndpoints.PostAsync).WithMetadata(new BodySizeLimit(options.MaxBatchBodyBytes)).RequireAuthorization(ApiPolicies.Ingest)
            .RequireRateLimiting(CallerLimits.UploadsPolicy);
        endpoints.MapGet("/batches/{id}", BatchesEndpoints.GetAsync).RequireAuthorization(ApiPolicies.Read);
        endpoints.MapPost("/prices", PricesEndpoint.PostAsync).RequireAuthorization(ApiPolicies.Ingest).RequireRateLimiting(CallerLimits.UploadsPolicy);
        endpoints.MapPut("/regions", ReferenceEndpoints.PutRegionsAsync).WithMetadata(new BodySizeLimit(options.MaxReferenceBodyBytes)).RequireAuthorization(ApiPolicies.Admin);
        endpoints.MapPut("/exchange-rates", ExchangeRatesEndpoints.PutAsync).WithMetadata(new BodySizeLimit(options.MaxReferenceBodyBytes)).RequireAuthorization(ApiPolicies.Admin);
        endpoints.MapGet("/exchange-rates", ExchangeRatesEndpoints.GetAsync).RequireAuthorization(ApiPolicies.Read);
        endpoints.MapGet("/regions", ReferenceListingEndpoints.GetRegionsAsync).RequireAuthorization(ApiPolicies.Read);
        endpoints.MapGet("/ports", ReferenceListingEndpoints.GetPortsAsync).RequireAuthorization(ApiPolicies.Read);
        endpoints.MapPut("/ports", ReferenceEndpoints.PutPortsAsync).WithMetadata(new BodySizeLimit(options.MaxReferenceBodyBytes)).RequireAuthorization(ApiPolicies.Admin);
        return endpoints;
    }
}
