namespace PriceIngest.Formats;

/// <summary>The body cannot be read as the declared format at all (no header, a line over the limit).</summary>
public sealed class MalformedBodyException(string message) : Exception(message);
