namespace PriceIngest.Grains.Batches;

/// <summary>
/// One price as it arrives, already parsed syntactically. An item whose text could not be parsed
/// travels as <c>default</c> (Origin is null) with its errors in <see cref="PriceChunk.Errors"/>,
/// so indices stay stable and the grain still counts it.
/// </summary>
public readonly record struct PriceItem(string Origin, string Destination, DateOnly Day, long Price)
{
    public bool IsParsed => Origin is not null;
}
