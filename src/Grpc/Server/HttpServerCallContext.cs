using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using PriceIngest.Grpc.Compression;
using PriceIngest.Grpc.Core;
using PriceIngest.Grpc.Framing;
using PriceIngest.Grpc.Protocol;

namespace PriceIngest.Grpc.Server;

/// <summary>
/// One gRPC call on one HTTP/2 stream. It owns the call's cancellation (client, deadline, write
/// timeout), serializes everything written to the response (messages, headers, the final status),
/// and guarantees that exactly one status goes out: from the handler's end, or earlier from the
/// deadline, whichever comes first.
/// </summary>
internal sealed class HttpServerCallContext : ServerCallContext, IDisposable
{
    // HTTP/2 RST_STREAM error code CANCEL: how gRPC aborts a stream it cannot finish cleanly.
    private const int Http2Cancel = 0x8;

    private readonly HttpContext _http;
    private readonly GrpcServerOptions _options;
    private readonly CompressionProviders _providers;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _callCts;
    private readonly CancellationTokenSource? _deadlineCts;
    private readonly CancellationTokenRegistration _deadlineRegistration;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private Metadata? _requestHeaders;
    private Task? _deadlineCompletion;
    private ICompressionProvider? _responseCompressor;
    private bool _responseStarted;
    private bool _completed;
    private volatile bool _deadlineExpired;

    private HttpServerCallContext(
        HttpContext http, string method, GrpcServerOptions options, CompressionProviders providers, ILogger logger,
        TimeSpan? timeout, string? requestEncoding, ICompressionProvider? requestDecompressor)
    {
        _http = http;
        Method = method;
        _options = options;
        _providers = providers;
        _logger = logger;
        RequestEncoding = requestEncoding;
        RequestDecompressor = requestDecompressor;
        _callCts = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        Deadline = DateTime.MaxValue;
        if (timeout is { } value)
        {
            Deadline = DateTime.UtcNow + value;
            _deadlineCts = new CancellationTokenSource(value);
            _deadlineRegistration = _deadlineCts.Token.Register(static state => ((HttpServerCallContext)state!).OnDeadline(), this);
        }
    }

    public override string Method { get; }

    public override string Host => _http.Request.Host.Value ?? string.Empty;

    public override string Peer => _http.Connection.RemoteIpAddress switch
    {
        null => "unknown",
        { AddressFamily: AddressFamily.InterNetworkV6 } ip => $"ipv6:[{ip}]:{_http.Connection.RemotePort}",
        var ip => $"ipv4:{ip}:{_http.Connection.RemotePort}",
    };

    public override DateTime Deadline { get; }

    public override Metadata RequestHeaders => _requestHeaders ??= ReadRequestHeaders();

    public override CancellationToken CancellationToken => _callCts.Token;

    public override Metadata ResponseTrailers { get; } = [];

    public override Status Status { get; set; } = Status.Ok;

    public override string? ResponseCompression { get; set; }

    public override string? RequestEncoding { get; }

    public HttpContext HttpContext => _http;

    internal ICompressionProvider? RequestDecompressor { get; }

    internal GrpcServerOptions Options => _options;

    /// <summary>
    /// Builds the context, or answers why the call cannot start (a malformed grpc-timeout, an
    /// encoding this server does not speak) as the status to send trailers-only.
    /// </summary>
    public static HttpServerCallContext? TryCreate(
        HttpContext http, string method, GrpcServerOptions options, CompressionProviders providers, ILogger logger, out Status refusal)
    {
        refusal = Status.Ok;
        TimeSpan? timeout = null;
        var timeoutHeader = http.Request.Headers[GrpcHeaders.Timeout].ToString();
        if (timeoutHeader.Length > 0)
        {
            if (!GrpcTimeout.TryParse(timeoutHeader, out var parsed))
            {
                refusal = new Status(StatusCode.Internal, $"Malformed grpc-timeout header '{timeoutHeader}'.");
                return null;
            }

            // Timers cannot wait longer than about 49 days; a deadline that far away is no deadline.
            timeout = parsed < TimeSpan.FromDays(30) ? parsed : null;
        }

        string? encoding = http.Request.Headers[GrpcHeaders.Encoding].ToString();
        ICompressionProvider? decompressor = null;
        if (encoding.Length == 0 || encoding.Equals(GrpcHeaders.IdentityEncoding, StringComparison.OrdinalIgnoreCase))
        {
            encoding = null;
        }
        else
        {
            decompressor = providers.Find(encoding);
            if (decompressor is null)
            {
                refusal = new Status(StatusCode.Unimplemented,
                    $"Unsupported grpc-encoding '{encoding}'; this server accepts {providers.AcceptEncoding}.");
                return null;
            }
        }

        return new HttpServerCallContext(http, method, options, providers, logger, timeout, encoding, decompressor);
    }

    public override async Task WriteResponseHeadersAsync(Metadata responseHeaders)
    {
        ArgumentNullException.ThrowIfNull(responseHeaders);
        await _writeLock.WaitAsync(CancellationToken);
        try
        {
            if (_completed || _responseStarted)
            {
                throw new InvalidOperationException("Response headers can only be sent once per call, before any message.");
            }

            foreach (var entry in responseHeaders)
            {
                if (!GrpcHeaders.IsReserved(entry.Key))
                {
                    _http.Response.Headers.Append(entry.Key, MetadataCodec.EncodeValue(entry));
                }
            }

            StartResponse();
            await _http.Response.StartAsync(CancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Writes one response message; with <paramref name="flush"/>, waits until the transport took it.</summary>
    public async Task WriteMessageAsync<T>(T message, Marshaller<T> marshaller, bool flush, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(CancellationToken);
        try
        {
            if (_completed)
            {
                throw new InvalidOperationException("The call is complete; no more messages can be written.");
            }

            StartResponse();
            MessageWriter.Write(_http.Response.BodyWriter, message, marshaller, _responseCompressor, _options.MaxSendMessageSize);
            if (flush)
            {
                await FlushAsync(cancellationToken);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Sends the final status, unless the deadline already ended the call.</summary>
    public async Task CompleteAsync(Status status)
    {
        // Wait for a deadline callback in flight, then for the completion it started, so that the
        // request never ends while that completion still touches the HttpContext.
        _deadlineRegistration.Dispose();
        if (_deadlineCompletion is { } deadlineCompletion)
        {
            await deadlineCompletion;
        }

        await _writeLock.WaitAsync();
        try
        {
            if (!_completed)
            {
                WriteStatus(status);
            }
        }
        finally
        {
            _writeLock.Release();
        }

        LogEnd(status);
    }

    /// <summary>The status for a handler that threw, by what actually ended the call.</summary>
    public Status StatusFromException(Exception exception)
    {
        if (_deadlineExpired)
        {
            return new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        }

        if (_http.RequestAborted.IsCancellationRequested)
        {
            return new Status(StatusCode.Cancelled, "Cancelled by the client");
        }

        switch (exception)
        {
            case RpcException rpc:
                foreach (var entry in rpc.Trailers)
                {
                    ResponseTrailers.Add(entry);
                }

                return rpc.Status;
            case OperationCanceledException when CancellationToken.IsCancellationRequested:
                return new Status(StatusCode.Cancelled, "The call was cancelled");
            default:
                GrpcServerLog.HandlerFailed(_logger, Method, exception);
                return new Status(StatusCode.Internal, _options.EnableDetailedErrors
                    ? $"Exception was thrown by handler. {exception.GetType().Name}: {exception.Message}"
                    : "Exception was thrown by handler.");
        }
    }

    public void Dispose()
    {
        _deadlineRegistration.Dispose();
        _deadlineCts?.Dispose();
        _callCts.Dispose();
        _writeLock.Dispose();
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        using var linked = cancellationToken.CanBeCanceled && cancellationToken != CancellationToken
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, CancellationToken)
            : null;
        var pending = _http.Response.BodyWriter.FlushAsync(linked?.Token ?? CancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            return;
        }

        try
        {
            // A client that stops reading blocks this flush on HTTP/2 flow control, possibly forever:
            // bound the wait, and free the stream and the handler when it runs out.
            await pending.AsTask().WaitAsync(_options.WriteTimeout, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            GrpcServerLog.WriteTimedOut(_logger, Method, _options.WriteTimeout);
            _completed = true;
            await _callCts.CancelAsync();
            ResetStream();
            throw new RpcException(StatusCode.Cancelled, "The client did not read the response in time; the call was aborted.");
        }
    }

    private void StartResponse()
    {
        if (_responseStarted)
        {
            return;
        }

        _responseStarted = true;
        var response = _http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcHeaders.GrpcContentType;
        _responseCompressor = _providers.Negotiate(
            ResponseCompression ?? _options.ResponseCompressionAlgorithm,
            _http.Request.Headers[GrpcHeaders.AcceptEncoding].ToString());
        if (_responseCompressor is not null)
        {
            response.Headers[GrpcHeaders.Encoding] = _responseCompressor.EncodingName;
        }

        response.Headers[GrpcHeaders.AcceptEncoding] = _providers.AcceptEncoding;
    }

    // Called with the write lock held.
    private void WriteStatus(Status status)
    {
        _completed = true;
        var response = _http.Response;
        if (!_responseStarted)
        {
            // Trailers-Only: nothing was sent yet, so the status travels in the one HEADERS frame.
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = GrpcHeaders.GrpcContentType;
            StatusCodec.Write(status, (name, value) => response.Headers[name] = value);
            foreach (var entry in ResponseTrailers)
            {
                if (!GrpcHeaders.IsReserved(entry.Key))
                {
                    response.Headers.Append(entry.Key, MetadataCodec.EncodeValue(entry));
                }
            }

            return;
        }

        StatusCodec.Write(status, (name, value) => response.AppendTrailer(name, value));
        foreach (var entry in ResponseTrailers)
        {
            if (!GrpcHeaders.IsReserved(entry.Key))
            {
                response.AppendTrailer(entry.Key, MetadataCodec.EncodeValue(entry));
            }
        }
    }

    private void OnDeadline()
    {
        _deadlineExpired = true;
        GrpcServerLog.DeadlineExceeded(_logger, Method);

        // Off the timer thread: cancelling can run the handler's continuations inline, up to the end
        // of the request, and the request must not end before this completion is awaited (CompleteAsync).
        _deadlineCompletion = Task.Run(CompleteAfterDeadlineAsync);
    }

    // The client stops waiting at its deadline; answer DEADLINE_EXCEEDED now rather than whenever the
    // handler notices its cancelled token, and reset the stream if even that cannot be delivered.
    private async Task CompleteAfterDeadlineAsync()
    {
        try
        {
            // First cancel, which also frees the write lock from a flush stalled by a client not reading.
            await _callCts.CancelAsync();
            if (!await _writeLock.WaitAsync(_options.WriteTimeout))
            {
                ResetStream();
                return;
            }

            try
            {
                if (_completed)
                {
                    return;
                }

                WriteStatus(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"));
                await _http.Response.CompleteAsync().WaitAsync(_options.WriteTimeout);
            }
            finally
            {
                _writeLock.Release();
            }
        }
        catch (Exception e)
        {
            GrpcServerLog.DeadlineCompletionFailed(_logger, Method, e);
            ResetStream();
        }
    }

    private void ResetStream()
    {
        if (_http.Features.Get<IHttpResetFeature>() is { } reset)
        {
            reset.Reset(Http2Cancel);
        }
        else
        {
            _http.Abort();
        }
    }

    private Metadata ReadRequestHeaders()
    {
        var metadata = new Metadata();
        foreach (var (name, values) in _http.Request.Headers)
        {
            MetadataCodec.AddHeader(metadata, name, values);
        }

        return metadata;
    }

    private void LogEnd(Status status)
    {
        if (status.StatusCode == StatusCode.Cancelled && _http.RequestAborted.IsCancellationRequested)
        {
            GrpcServerLog.CancelledByClient(_logger, Method);
        }
        else
        {
            GrpcServerLog.CallEnded(_logger, Method, status.StatusCode, status.Detail);
        }
    }
}
