using PriceIngest.Grpc.Protocol;

namespace PriceIngest.Grpc.Tests.Unit;

public sealed class GrpcTimeoutTests
{
    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("3S", 30_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("1500u", 15_000L)]
    [InlineData("1n", 1L)]
    [InlineData("99999999S", 999_999_990_000_000L)]
    public void Parses_every_unit(string value, long ticks)
    {
        Assert.True(GrpcTimeout.TryParse(value, out var timeout));
        Assert.Equal(ticks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("10s")]
    [InlineData("-1S")]
    [InlineData("123456789S")]
    [InlineData("1.5S")]
    public void Rejects_what_the_grammar_does_not_allow(string value) => Assert.False(GrpcTimeout.TryParse(value, out _));

    [Theory]
    [InlineData(1L, "1u")]
    [InlineData(10_000L, "1000u")]
    [InlineData(36_000_000_000L, "3600000m")]
    [InlineData(10_000_000_000_000L, "1000000S")]
    public void Formats_in_the_finest_unit_that_fits_rounding_up(long ticks, string expected) =>
        Assert.Equal(expected, GrpcTimeout.Format(TimeSpan.FromTicks(ticks)));

    [Fact]
    public void Format_never_exceeds_eight_digits() =>
        Assert.True(GrpcTimeout.Format(TimeSpan.FromDays(100_000)).Length <= 9);
}
