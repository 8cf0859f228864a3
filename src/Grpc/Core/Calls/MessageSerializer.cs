namespace PriceIngest.Grpc.Core;

/// <summary>Writes a message into a span of exactly the size the marshaller computed for it.</summary>
public delegate void MessageSerializer<in T>(T message, Span<byte> destination);
