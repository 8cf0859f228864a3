using PriceIngest.Grpc.Core;
using PriceIngest.Grpc.Health.V1;

namespace PriceIngest.Grpc.Health;

/// <summary>The methods of grpc.health.v1.Health, for servers and clients alike.</summary>
public static class HealthMethods
{
    public const string ServiceName = "grpc.health.v1.Health";

    public static Method<HealthCheckRequest, HealthCheckResponse> Check { get; } =
        Method.Create(MethodType.Unary, ServiceName, "Check", HealthCheckRequest.Parser, HealthCheckResponse.Parser);

    public static Method<HealthCheckRequest, HealthCheckResponse> Watch { get; } =
        Method.Create(MethodType.ServerStreaming, ServiceName, "Watch", HealthCheckRequest.Parser, HealthCheckResponse.Parser);
}
