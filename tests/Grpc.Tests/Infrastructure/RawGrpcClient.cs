using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace PriceIngest.Grpc.Tests.Infrastructure;

/// <summary>
/// Plain HTTP/2 requests with hand-made gRPC bodies: what a broken or hostile client sends, and a
/// way to look at exactly what the server answers (headers, raw body, trailers).
/// </summary>
public sealed class RawGrpcClient(Uri address) : IDisposable
{
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false, EnableMultipleHttp2Connections = true })
    {
        Timeout = TimeSpan.FromSeconds(30),
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    public static byte[] Frame(IMessage message, byte flag = 0) => Frame(message.ToByteArray(), flag);

    public static byte[] Frame(byte[] payload, byte flag = 0, uint? declaredLength = null)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), declaredLength ?? (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    public HttpRequestMessage Request(string path, HttpContent content, string? contentType = "application/grpc", params (string Name, string Value)[] headers)
    {
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, path))
        {
            Content = content,
            // HTTP/2 prior knowledge (h2c): a request message does not take the client's default version.
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    /// <summary>Sends a complete body and reads the whole response.</summary>
    public async Task<RawResponse> PostAsync(string path, byte[] body, string? contentType = "application/grpc", params (string Name, string Value)[] headers)
    {
        using var request = Request(path, new ByteArrayContent(body), contentType, headers);
        using var response = await _client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return RawResponse.From(response, bytes);
    }

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    public void Dispose() => _client.Dispose();
}

public sealed record RawResponse(HttpStatusCode HttpStatus, Dictionary<string, string> Headers, byte[] Body, Dictionary<string, string> Trailers)
{
    /// <summary>grpc-status from the trailers, or from the headers of a Trailers-Only response.</summary>
    public string? GrpcStatus => Trailers.GetValueOrDefault("grpc-status") ?? Headers.GetValueOrDefault("grpc-status");

    public string? GrpcMessage => Trailers.GetValueOrDefault("grpc-message") ?? Headers.GetValueOrDefault("grpc-message");

    public bool IsTrailersOnly => Headers.ContainsKey("grpc-status") && Body.Length == 0;

    public static RawResponse From(HttpResponseMessage response, byte[] body)
    {
        var headers = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value));
        var trailers = response.TrailingHeaders.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value));
        return new RawResponse(response.StatusCode, headers, body, trailers);
    }

    public override string ToString() =>
        $"HTTP {(int)HttpStatus}; headers [{string.Join("; ", Headers.Select(h => h.Key + "=" + h.Value))}]; {Body.Length} body bytes; trailers [{string.Join("; ", Trailers.Select(h => h.Key + "=" + h.Value))}]";
}
