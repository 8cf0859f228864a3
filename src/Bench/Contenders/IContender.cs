namespace PriceIngest.Bench.Contenders;

/// <summary>Anything measured: named in reports.</summary>
public interface IContender
{
    /// <summary>Short name for reports.</summary>
    string Name { get; }
}
