using Microsoft.AspNetCore.Http.Metadata;

namespace PriceIngest.Api.Rest;

/// <summary>An endpoint's largest body in bytes, applied by <see cref="Hosting.RequestEncodings"/> before and after decompression.</summary>
internal sealed record BodySizeLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;
