namespace PriceIngest.Runtime;

/// <summary>Identity of one activation: the grain interface plus its key.</summary>
public readonly record struct GrainId(Type Interface, long LongKey, string? StringKey)
{
    public override string ToString() => $"{Interface.Name}/{StringKey ?? LongKey.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
