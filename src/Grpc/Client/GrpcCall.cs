using System.IO.Pipelines;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using PriceIngest.Grpc.Compression;
using PriceIngest.Grpc.Core;
using PriceIngest.Grpc.Framing;
using PriceIngest.Grpc.Protocol;

namespace PriceIngest.Grpc.Client;

/// <summary>
/// One client call on one HTTP/2 stream. The call's token joins the caller's cancellation and the
/// local deadline; when it fires the stream is reset (RST_STREAM CANCEL) and every pending
/// operation fails with the status that says why. The status is decided once: from the server's
/// trailers, or locally (deadline, cancellation, size limit, transport failure), whichever is first.
/// </summary>
internal sealed class GrpcCall<TRequest, TResponse> : IClientCall
{
    private const string UserAgent = "grpc-dotnet-priceingest/1.0";

    // How long a failed write waits for the server's answer before reporting its own error.
    private static readonly TimeSpan AnswerAfterBrokenBody = TimeSpan.FromSeconds(10);

    private readonly GrpcChannel _channel;
    private readonly Method<TRequest, TResponse> _method;
    private readonly CallOptions _options;
    private readonly CancellationTokenSource _callCts;
    private readonly CancellationToken _callToken;
    private readonly CancellationTokenRegistration _abortRegistration;
    private readonly ICompressionProvider? _requestCompressor;
    private readonly TaskCompletionSource<Metadata> _responseHeaders = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private Task<bool> _responseStarted = Task.FromResult(false);
    private HttpResponseMessage? _response;
    private MessageReader<TResponse>? _reader;
    private PushStreamContent? _requestContent;
    private PipeWriter? _requestWriter;
    private Status? _status;
    private Metadata _trailers = [];
    private int _writing;
    private bool _requestCompleted;
    private bool _disposed;
    private bool _finished;

    public GrpcCall(GrpcChannel channel, Method<TRequest, TResponse> method, CallOptions options)
    {
        _channel = channel;
        _method = method;
        _options = options;
        if (options.RequestCompression is { } encoding
            && !encoding.Equals(GrpcHeaders.IdentityEncoding, StringComparison.OrdinalIgnoreCase))
        {
            _requestCompressor = channel.Providers.Find(encoding)
                ?? throw new ArgumentException($"This client cannot compress with '{encoding}'.", nameof(options));
        }

        _callCts = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken);
        _callToken = _callCts.Token;
        _abortRegistration = _callToken.Register(static state => ((GrpcCall<TRequest, TResponse>)state!).AbortTransport(), this);
    }

    public TResponse CurrentResponse => _reader is { } reader ? reader.Current : throw new InvalidOperationException("No response has been read yet.");

    public Task<Metadata> ResponseHeadersAsync => _responseHeaders.Task;

    /// <summary>Starts a call whose request is one message (unary, server streaming).</summary>
    public void StartWithRequest(TRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        HttpContent content;
        try
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            MessageWriter.Write(buffer, request, _method.RequestMarshaller, _requestCompressor, _channel.Options.MaxSendMessageSize);
            content = new ByteArrayContent(buffer.WrittenMemory.ToArray());
            content.Headers.TryAddWithoutValidation(GrpcHeaders.ContentType, GrpcHeaders.GrpcContentType);
        }
        catch (RpcException e)
        {
            _responseStarted = Task.FromException<bool>(Fail(e));
            return;
        }

        Start(content);
    }

    /// <summary>Starts a call whose requests stream (client streaming, duplex).</summary>
    public void StartWithRequestStream()
    {
        _requestContent = new PushStreamContent();
        Start(_requestContent);
    }

    public async Task<TResponse> ReadSingleResponseAsync()
    {
        try
        {
            if (!await _responseStarted)
            {
                throw FinalException(new Status(StatusCode.Internal, "The server ended the call without a response message."));
            }

            if (!await _reader!.MoveNextAsync(_callToken))
            {
                ReadTrailers();
                throw FinalException(new Status(StatusCode.Internal, "The server ended the call without a response message."));
            }

            var response = _reader.Current;
            if (await _reader.MoveNextAsync(_callToken))
            {
                throw Fail(new RpcException(StatusCode.Internal, "The server sent more than one response message for a single-response method."));
            }

            ReadTrailers();
            if (_status is { StatusCode: not StatusCode.OK } status)
            {
                throw new RpcException(status, _trailers);
            }

            return response;
        }
        catch (Exception e) when (e is not RpcException || _status is null)
        {
            throw Fail(e);
        }
        finally
        {
            Finish();
        }
    }

    public async Task<bool> MoveNextResponseAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!await _responseStarted || _finished)
            {
                // Trailers-Only, or read to the end already: the status is all there is.
                return _status is { StatusCode: not StatusCode.OK } status ? throw new RpcException(status, _trailers) : false;
            }

            using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _callToken) : null;
            if (await _reader!.MoveNextAsync(linked?.Token ?? _callToken))
            {
                return true;
            }

            ReadTrailers();
            Finish();
            return _status is { StatusCode: not StatusCode.OK } final ? throw new RpcException(final, _trailers) : false;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !_callToken.IsCancellationRequested)
        {
            // Giving up on reading gives up on the call, as in other gRPC clients.
            throw Fail(new RpcException(StatusCode.Cancelled, "Reading the response stream was cancelled."));
        }
        catch (Exception e) when (e is not RpcException || _status is null)
        {
            throw Fail(e);
        }
    }

    public async Task WriteRequestAsync(TRequest message, CancellationToken cancellationToken)
    {
        if (_status is { } status)
        {
            throw status.StatusCode == StatusCode.OK
                ? new InvalidOperationException("The call is complete; no more requests can be written.")
                : new RpcException(status, _trailers);
        }

        if (_requestCompleted)
        {
            throw new InvalidOperationException("The request stream is already complete.");
        }

        if (Interlocked.Exchange(ref _writing, 1) == 1)
        {
            throw new InvalidOperationException("Only one write can be pending at a time.");
        }

        try
        {
            using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _callToken) : null;
            var token = linked?.Token ?? _callToken;
            var stream = await _requestContent!.GetStreamAsync(token);
            _requestWriter ??= PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
            MessageWriter.Write(_requestWriter, message, _method.RequestMarshaller, _requestCompressor, _channel.Options.MaxSendMessageSize);
            await _requestWriter.FlushAsync(token);
        }
        catch (Exception e)
        {
            throw await FailedWriteAsync(e, cancellationToken);
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }

    public async Task CompleteRequestAsync()
    {
        if (_requestCompleted || _status is not null)
        {
            return;
        }

        _requestCompleted = true;
        if (_requestWriter is { } writer)
        {
            await writer.CompleteAsync();
        }

        _requestContent!.Complete();
    }

    public Status GetStatus() => _status ?? throw new InvalidOperationException("The call is still running; its status is not known yet.");

    public Metadata GetTrailers() => _status is not null ? _trailers : throw new InvalidOperationException("The call is still running; its trailers are not known yet.");

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _status ??= new Status(StatusCode.Cancelled, "The call was disposed before it ended.");
        }

        CancelCall();
        Finish();
    }

    private void Start(HttpContent content)
    {
        TimeSpan? timeout = null;
        if (_options.Deadline is { } deadline && deadline != DateTime.MaxValue)
        {
            timeout = deadline.ToUniversalTime() - DateTime.UtcNow;
            if (timeout <= TimeSpan.Zero)
            {
                // Already late: fail without bothering the server, as other gRPC clients do.
                content.Dispose();
                _responseStarted = Task.FromException<bool>(Fail(new RpcException(StatusCode.DeadlineExceeded, "Deadline Exceeded")));
                return;
            }

            _callCts.CancelAfter(timeout.Value);
        }

        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_channel.Address, _method.FullName))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        var headers = request.Headers;
        headers.TE.Add(new TransferCodingWithQualityHeaderValue(GrpcHeaders.TeTrailers));
        if (timeout is { } value)
        {
            headers.TryAddWithoutValidation(GrpcHeaders.Timeout, GrpcTimeout.Format(value));
        }

        headers.TryAddWithoutValidation(GrpcHeaders.UserAgent, UserAgent);
        headers.TryAddWithoutValidation(GrpcHeaders.AcceptEncoding, _channel.Providers.AcceptEncoding);
        if (_requestCompressor is not null)
        {
            headers.TryAddWithoutValidation(GrpcHeaders.Encoding, _requestCompressor.EncodingName);
        }

        if (_options.Headers is { } metadata)
        {
            foreach (var entry in metadata)
            {
                if (!GrpcHeaders.IsReserved(entry.Key))
                {
                    headers.TryAddWithoutValidation(entry.Key, MetadataCodec.EncodeValue(entry));
                }
            }
        }

        _responseStarted = SendAsync(request);
    }

    /// <summary>
    /// Sends the request and reads the response headers; true when response messages follow,
    /// false for a Trailers-Only response (the status is then known).
    /// </summary>
    private async Task<bool> SendAsync(HttpRequestMessage request)
    {
        HttpResponseMessage response;
        try
        {
            response = await _channel.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _callToken);
        }
        catch (Exception e)
        {
            throw Fail(e);
        }

        lock (_gate)
        {
            _response = response;
        }

        if (_callToken.IsCancellationRequested)
        {
            throw Fail(new OperationCanceledException(_callToken));
        }

        try
        {
            var headers = new Metadata();
            foreach (var (name, values) in response.Headers.NonValidated)
            {
                MetadataCodec.AddHeader(headers, name, values);
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                _responseHeaders.TrySetResult(headers);
                throw Fail(new RpcException(HttpStatusMapping.ToStatusCode(response.StatusCode),
                    $"Bad gRPC response. HTTP status code: {(int)response.StatusCode}"));
            }

            var contentType = response.Content.Headers.ContentType?.MediaType;
            if (!GrpcHeaders.IsGrpcContentType(contentType))
            {
                _responseHeaders.TrySetResult(headers);
                throw Fail(new RpcException(StatusCode.Internal, $"Bad gRPC response. Invalid content-type value: {contentType}"));
            }

            if (StatusCodec.Read(name => HeaderValue(response.Headers, name)) is { } trailersOnly)
            {
                // Trailers-Only: the status and trailing metadata came in the only HEADERS frame.
                _responseHeaders.TrySetResult(headers);
                SetStatus(trailersOnly, headers);
                Finish();
                return false;
            }

            _responseHeaders.TrySetResult(headers);
            var encoding = HeaderValue(response.Headers, GrpcHeaders.Encoding);
            if (encoding is not null && encoding.Equals(GrpcHeaders.IdentityEncoding, StringComparison.OrdinalIgnoreCase))
            {
                encoding = null;
            }

            var stream = await response.Content.ReadAsStreamAsync(_callToken);
            _reader = new MessageReader<TResponse>(
                PipeReader.Create(stream), _method.ResponseMarshaller, _channel.Options.MaxReceiveMessageSize,
                encoding, encoding is null ? null : _channel.Providers.Find(encoding));
            return true;
        }
        catch (Exception e) when (e is not RpcException || _status is null)
        {
            throw Fail(e);
        }
    }

    private void ReadTrailers()
    {
        var response = _response!;
        var trailers = new Metadata();
        foreach (var (name, values) in response.TrailingHeaders.NonValidated)
        {
            MetadataCodec.AddHeader(trailers, name, values);
        }

        var status = StatusCodec.Read(name => HeaderValue(response.TrailingHeaders, name))
            ?? new Status(StatusCode.Internal, "The server ended the response without a grpc-status.");
        SetStatus(status, trailers);
    }

    private async Task<Exception> FailedWriteAsync(Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested && !_callToken.IsCancellationRequested)
        {
            return Fail(new RpcException(StatusCode.Cancelled, "Writing the request stream was cancelled."));
        }

        if (exception is RpcException || _status is not null)
        {
            return Fail(exception);
        }

        // The body broke off, most likely because the server already answered (an error, or the
        // receipt of an id already committed, before reading everything): HttpClient then cancels
        // the body. The server's status says more than the broken pipe does. The wait is generous
        // because on a loaded machine the answer's headers can take well over a second to surface.
        try
        {
            await _responseStarted.WaitAsync(AnswerAfterBrokenBody, CancellationToken.None);
        }
        catch (Exception)
        {
            // The response failed too; the status it set (or the write's own error) is reported below.
        }

        if (_status is { StatusCode: not StatusCode.OK } status)
        {
            return new RpcException(status, _trailers);
        }

        if (_responseStarted.IsCompletedSuccessfully)
        {
            // The server answered early (e.g. the receipt of an id already committed): that answer,
            // read through the response, is the call's outcome; only this write is refused.
            return new InvalidOperationException("The server answered before the request stream ended; the response holds the outcome.", exception);
        }

        // Neither the caller nor the deadline cancelled: the transport dropped the body, so nothing
        // says the server acted on it. UNAVAILABLE, not CANCELLED: the caller may retry.
        return exception is OperationCanceledException && !_options.CancellationToken.IsCancellationRequested && !PastDeadline
            ? Fail(new RpcException(StatusCode.Unavailable, "The request stream was dropped by the transport before the server answered."))
            : Fail(exception);
    }

    private bool PastDeadline => _options.Deadline is { } deadline && deadline != DateTime.MaxValue && DateTime.UtcNow >= deadline.ToUniversalTime();

    /// <summary>Decides the status from a failure (unless already decided), ends the call, and returns what to throw.</summary>
    private RpcException Fail(Exception exception)
    {
        var status = _status ?? Classify(exception);
        SetStatus(status, _trailers);
        if (_responseHeaders.TrySetException(new RpcException(status, _trailers)))
        {
            // Observed here, so that a caller who never awaits the headers causes no UnobservedTaskException.
            _ = _responseHeaders.Task.Exception;
        }

        CancelCall();
        Finish();
        return exception is RpcException rpc && rpc.Status == status ? rpc : new RpcException(status, _trailers, exception);
    }

    private Status Classify(Exception exception)
    {
        if (_options.CancellationToken.IsCancellationRequested)
        {
            return new Status(StatusCode.Cancelled, "Call canceled by the client.");
        }

        // Past the deadline, any failure (our timer's cancellation, the server's RST_STREAM) is the deadline's.
        // Disposal and local errors set their status before cancelling, so a cancelled token here is the timer.
        if (_options.Deadline is { } deadline && deadline != DateTime.MaxValue
            && (DateTime.UtcNow >= deadline.ToUniversalTime() || _callToken.IsCancellationRequested))
        {
            return new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        }

        return exception is RpcException rpc ? rpc.Status : TransportStatus.From(exception);
    }

    private RpcException FinalException(Status fallback) =>
        new(_status is { StatusCode: not StatusCode.OK } status ? status : fallback, _trailers);

    private void SetStatus(Status status, Metadata trailers)
    {
        lock (_gate)
        {
            if (_status is null)
            {
                _status = status;
                _trailers = trailers;
            }
        }
    }

    // Cancellation of the call: reset the HTTP/2 stream so the server's handler is cancelled too.
    private void AbortTransport()
    {
        _requestContent?.Abort();
        lock (_gate)
        {
            _response?.Dispose();
        }
    }

    private void CancelCall()
    {
        try
        {
            _callCts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call finished meanwhile: nothing left to cancel.
        }
    }

    /// <summary>Frees the stream, the deadline timer and the link to the caller's token once the call is over.</summary>
    private void Finish()
    {
        lock (_gate)
        {
            if (_status is null || _finished)
            {
                return;
            }

            _finished = true;
            _response?.Dispose();
        }

        _requestContent?.Abort();
        _responseHeaders.TrySetResult([]);
        _abortRegistration.Dispose();
        _callCts.Dispose();
    }

    private static string? HeaderValue(HttpHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) ? values.ToString() : null;
}
