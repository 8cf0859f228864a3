namespace PriceIngest.Formats;

/// <summary>
/// The one rule for a quoted price: whole units plus billionths of a unit (google.type.Money's units
/// and nanos, the same sign), so at most 9 decimal places and units that fit a long. The service's
/// codecs and the client's file reader both split with it, so a file the client accepts is never
/// refused by the service for its prices' form, nor the other way round.
/// </summary>
public static class PriceAmount
{
    /// <summary>Billionths per unit.</summary>
    public const int NanosPerUnit = 1_000_000_000;

    /// <summary>Splits <paramref name="amount"/> into units and nanos; false when it has more than 9 decimal places or does not fit.</summary>
    public static bool TrySplit(decimal amount, out long units, out int nanos)
    {
        units = 0;
        nanos = 0;
        var whole = decimal.Truncate(amount);
        var fraction = (amount - whole) * NanosPerUnit;
        if (fraction != decimal.Truncate(fraction) || whole < long.MinValue || whole > long.MaxValue)
        {
            return false;
        }

        units = (long)whole;
        nanos = (int)fraction;
        return true;
    }
}
