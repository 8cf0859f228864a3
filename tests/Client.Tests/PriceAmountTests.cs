using PriceIngest.Formats;

namespace PriceIngest.Client.Tests;

public sealed class PriceAmountTests
{
    [Theory]
    [InlineData("1500", 1500L, 0)]
    [InlineData("12.5", 12L, 500_000_000)]
    [InlineData("-12.5", -12L, -500_000_000)]
    [InlineData("-0.000000001", 0L, -1)]
    [InlineData("0.123456789", 0L, 123_456_789)]
    [InlineData("9223372036854775807.999999999", long.MaxValue, 999_999_999)]
    public void A_price_splits_into_units_and_nanos_of_its_sign(string text, long units, int nanos)
    {
        Assert.True(PriceAmount.TrySplit(decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture), out var gotUnits, out var gotNanos));
        Assert.Equal((units, nanos), (gotUnits, gotNanos));
    }

    [Theory]
    [InlineData("0.0000000001")]
    [InlineData("12.3456789012")]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    public void A_price_with_more_than_9_decimals_or_past_a_long_does_not_split(string text)
    {
        Assert.False(PriceAmount.TrySplit(decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture), out var units, out var nanos));
        Assert.Equal((0L, 0), (units, nanos));
    }
}
