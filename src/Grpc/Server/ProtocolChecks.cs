using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;
using PriceIngest.Grpc.Compression;
using PriceIngest.Grpc.Core;
using PriceIngest.Grpc.Protocol;

namespace PriceIngest.Grpc.Server;

/// <summary>The HTTP-level checks and answers that come before any gRPC call exists.</summary>
internal static class ProtocolChecks
{
    /// <summary>
    /// False (with the answer written) when the request is not gRPC: 415 for another content-type,
    /// as the spec asks so that plain HTTP clients never read an error as success; 426 for HTTP/1.x.
    /// </summary>
    public static async Task<bool> AcceptAsync(HttpContext http, ILogger logger)
    {
        var request = http.Request;
        if (!GrpcHeaders.IsGrpcContentType(request.ContentType))
        {
            GrpcServerLog.UnsupportedContentType(logger, request.Path.Value, request.ContentType);
            await WriteRefusalAsync(http, StatusCodes.Status415UnsupportedMediaType,
                new Status(StatusCode.Internal, $"Content-Type '{request.ContentType}' is not supported; gRPC needs application/grpc."));
            return false;
        }

        if (!HttpProtocol.IsHttp2(request.Protocol) && !HttpProtocol.IsHttp3(request.Protocol))
        {
            GrpcServerLog.UnsupportedProtocol(logger, request.Path.Value, request.Protocol);
            await WriteRefusalAsync(http, StatusCodes.Status426UpgradeRequired,
                new Status(StatusCode.Internal, $"Protocol '{request.Protocol}' is not supported; gRPC needs HTTP/2."));
            return false;
        }

        return true;
    }

    /// <summary>
    /// A stream may carry millions of messages and pause between them: Kestrel's request size
    /// limit and minimum data rate, made for HTTP uploads, would cut such calls off.
    /// </summary>
    public static void LiftBodyLimits(HttpContext http)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } maxSize)
        {
            maxSize.MaxRequestBodySize = null;
        }

        if (http.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } minRate)
        {
            minRate.MinDataRate = null;
        }
    }

    /// <summary>An immediate error: HTTP 200 and the status in the only HEADERS frame.</summary>
    public static void WriteTrailersOnly(HttpContext http, Status status, CompressionProviders providers)
    {
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcHeaders.GrpcContentType;
        response.Headers[GrpcHeaders.AcceptEncoding] = providers.AcceptEncoding;
        StatusCodec.Write(status, (name, value) => response.Headers[name] = value);
    }

    private static async Task WriteRefusalAsync(HttpContext http, int httpStatus, Status status)
    {
        var response = http.Response;
        response.StatusCode = httpStatus;
        StatusCodec.Write(status, (name, value) => response.Headers[name] = value);
        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync(status.Detail, http.RequestAborted);
    }
}
