namespace PriceIngest.Grpc.Framing;

/// <summary>
/// The Length-Prefixed-Message header: a compressed flag byte (0 or 1) then the message length as
/// a big-endian uint32. DATA frame boundaries mean nothing: a message may span many, or share one.
/// </summary>
internal static class MessageFrame
{
    public const int HeaderSize = 5;
    public const byte Uncompressed = 0;
    public const byte Compressed = 1;
}
