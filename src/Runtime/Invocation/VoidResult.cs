namespace PriceIngest.Runtime;

/// <summary>Result type of the completion source behind a queued call to a method returning Task or ValueTask.</summary>
internal readonly struct VoidResult;
