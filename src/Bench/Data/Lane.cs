namespace PriceIngest.Bench.Data;

/// <summary>An origin and destination port, as indexes into <see cref="ReferenceData.Ports"/>.</summary>
public readonly record struct Lane(short Origin, short Destination);
