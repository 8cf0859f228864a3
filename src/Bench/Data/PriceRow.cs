namespace PriceIngest.Bench.Data;

/// <summary>One price, with ports as indexes into <see cref="ReferenceData.Ports"/> (12 bytes).</summary>
public readonly record struct PriceRow(short Origin, short Destination, DateOnly Day, int Price)
{
    /// <summary>A lane id of the bench's own (origin index << 16 | destination index).</summary>
    public int Lane => (Origin << 16) | (ushort)Destination;
}
