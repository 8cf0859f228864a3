using System.IO.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.RequestDecompression;
using Microsoft.Extensions.DependencyInjection;

namespace PriceIngest.Api.Hosting;

/// <summary>
/// Compressed REST bodies: <c>Content-Encoding: gzip</c> or <c>deflate</c> is decoded by ASP.NET
/// Core's request decompression, any other encoding is 415, so a body is never read as text it is
/// not. Every endpoint's body limit (<see cref="IRequestSizeLimitMetadata"/>) applies to the bytes
/// on the wire and to the decoded ones alike, and a corrupt compressed body is a 400.
/// </summary>
public static class RequestEncodings
{
    public static IServiceCollection AddRequestEncodings(this IServiceCollection services) =>
        services.AddRequestDecompression(options =>
        {
            // Brotli reports corrupt input as InvalidOperationException, which cannot be told from a fault of ours.
            options.DecompressionProviders.Clear();
            options.DecompressionProviders.Add("gzip", new Decoder(static body => new GZipStream(body, CompressionMode.Decompress, leaveOpen: true)));
            options.DecompressionProviders.Add("deflate", new Decoder(static body => new ZLibStream(body, CompressionMode.Decompress, leaveOpen: true)));
        });

    /// <summary>After routing (the limits are endpoint metadata), before the endpoints.</summary>
    public static IApplicationBuilder UseRequestEncodings(this IApplicationBuilder app)
    {
        app.Use((context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is { } limit
                && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = limit.MaxRequestBodySize;
            }

            return next(context);
        });
        app.UseRequestDecompression();
        return app.Use((context, next) =>
        {
            // Still set after decompression: an encoding nobody decoded (gRPC compresses inside its own framing).
            var encoding = context.Request.Headers.ContentEncoding.ToString();
            if (encoding.Length == 0 || encoding.Equals("identity", StringComparison.OrdinalIgnoreCase)
                || context.GetEndpoint()?.Metadata.GetMetadata<ListenerSeparation.GrpcEndpoint>() is not null)
            {
                return next(context);
            }

            return Results.Problem($"Content-Encoding '{encoding}' is not supported: send the body as is, or gzip or deflate it",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content encoding").ExecuteAsync(context);
        });
    }

    /// <summary>A decompression provider whose stream reports corrupt input as a 400 rather than a server fault.</summary>
    private sealed class Decoder(Func<Stream, Stream> open) : IDecompressionProvider
    {
        public Stream GetDecompressionStream(Stream stream) => new CorruptInputIsBadRequest(open(stream));
    }

    private sealed class CorruptInputIsBadRequest(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            try
            {
                return inner.Read(buffer, offset, count);
            }
            catch (InvalidDataException e)
            {
                throw Corrupt(e);
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.ReadAsync(buffer, cancellationToken);
            }
            catch (InvalidDataException e)
            {
                throw Corrupt(e);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await base.DisposeAsync();
        }

        private static BadHttpRequestException Corrupt(InvalidDataException e) =>
            new($"the compressed body is corrupt: {e.Message}", StatusCodes.Status400BadRequest, e);
    }
}
