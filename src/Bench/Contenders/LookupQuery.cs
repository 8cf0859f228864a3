using System.Globalization;

namespace PriceIngest.Bench.Contenders;

/// <summary>An average-price question: origin and destination (port code or region slug) over a range of days.</summary>
public sealed record LookupQuery(LookupKind Kind, string Origin, string Destination, DateOnly From, DateOnly To)
{
    public override string ToString() =>
        $"{Origin} -> {Destination} {From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}..{To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";
}
