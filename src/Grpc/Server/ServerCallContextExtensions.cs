using Microsoft.AspNetCore.Http;
using PriceIngest.Grpc.Core;

namespace PriceIngest.Grpc.Server;

public static class ServerCallContextExtensions
{
    /// <summary>The ASP.NET Core request behind a call (user, connection, features), as in Grpc.AspNetCore.</summary>
    public static HttpContext GetHttpContext(this ServerCallContext context) =>
        context is HttpServerCallContext call
            ? call.HttpContext
            : throw new InvalidOperationException("This call context does not come from an ASP.NET Core request.");
}
