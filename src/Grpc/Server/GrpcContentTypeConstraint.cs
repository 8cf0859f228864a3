using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PriceIngest.Grpc.Protocol;

namespace PriceIngest.Grpc.Server;

/// <summary>
/// Lets the catch-all UNIMPLEMENTED routes match gRPC requests only, so that they never shadow a
/// REST endpoint (or its 404) that lives in the same application.
/// </summary>
internal sealed class GrpcContentTypeConstraint : IRouteConstraint
{
    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        httpContext is not null
        && HttpMethods.IsPost(httpContext.Request.Method)
        && GrpcHeaders.IsGrpcContentType(httpContext.Request.ContentType);
}
