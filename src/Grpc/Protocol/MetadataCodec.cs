using PriceIngest.Grpc.Core;

namespace PriceIngest.Grpc.Protocol;

/// <summary>
/// Maps metadata to HTTP/2 header values and back: "-bin" values are base64 (emitted unpadded,
/// accepted padded or not), and a header repeated or joined with "," yields several entries.
/// </summary>
internal static class MetadataCodec
{
    public static string EncodeValue(Metadata.Entry entry) =>
        entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes).TrimEnd('=') : entry.Value;

    /// <summary>Adds the entries one header carries; reserved protocol headers are skipped.</summary>
    public static void AddHeader(Metadata metadata, string name, IEnumerable<string?> values)
    {
        if (GrpcHeaders.IsReserved(name))
        {
            return;
        }

        var key = name.ToLowerInvariant();
        foreach (var value in values)
        {
            if (value is null)
            {
                continue;
            }

            try
            {
                if (Metadata.Entry.IsBinaryKey(key))
                {
                    foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                    {
                        metadata.Add(key, DecodeBase64(part));
                    }
                }
                else
                {
                    metadata.Add(key, value.Trim());
                }
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                // The spec says an invalid value must not fail the call: drop just that value.
            }
        }
    }

    public static byte[] DecodeBase64(string value)
    {
        var padding = (4 - (value.Length % 4)) % 4;
        return Convert.FromBase64String(padding == 0 ? value : value + new string('=', padding));
    }
}
