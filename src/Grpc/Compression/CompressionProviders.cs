namespace PriceIngest.Grpc.Compression;

/// <summary>The encodings one side supports, looked up by grpc-encoding token.</summary>
public sealed class CompressionProviders
{
    private readonly Dictionary<string, ICompressionProvider> _byName;

    public CompressionProviders(IEnumerable<ICompressionProvider> providers)
    {
        ArgumentNullException.ThrowIfNull(providers);
        _byName = providers.ToDictionary(p => p.EncodingName, StringComparer.OrdinalIgnoreCase);
        AcceptEncoding = string.Join(",", _byName.Keys.Prepend("identity"));
    }

    public static CompressionProviders Default { get; } = new([new GzipCompressionProvider(), new DeflateCompressionProvider()]);

    /// <summary>The grpc-accept-encoding value advertising these encodings (identity first).</summary>
    public string AcceptEncoding { get; }

    public ICompressionProvider? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>
    /// The provider for <paramref name="name"/> if the peer's grpc-accept-encoding lists it;
    /// otherwise null, meaning: send uncompressed, which every peer understands.
    /// </summary>
    public ICompressionProvider? Negotiate(string? name, string? peerAcceptEncoding)
    {
        if (name is null || peerAcceptEncoding is null || Find(name) is not { } provider)
        {
            return null;
        }

        foreach (var token in peerAcceptEncoding.Split(',', StringSplitOptions.TrimEntries))
        {
            if (token.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return provider;
            }
        }

        return null;
    }
}
