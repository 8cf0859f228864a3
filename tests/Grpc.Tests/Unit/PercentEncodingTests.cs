using PriceIngest.Grpc.Protocol;

namespace PriceIngest.Grpc.Tests.Unit;

public sealed class PercentEncodingTests
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("100%", "100%25")]
    [InlineData("é", "%C3%A9")]
    [InlineData("a\r\nb", "a%0D%0Ab")]
    [InlineData("€", "%E2%82%AC")]
    public void Encodes_as_the_spec_says(string message, string encoded) => Assert.Equal(encoded, PercentEncoding.Encode(message));

    [Theory]
    [InlineData("日本語 – ünïcödé € %")]
    [InlineData("\t\0tabs and nul")]
    public void Round_trips(string message) => Assert.Equal(message, PercentEncoding.Decode(PercentEncoding.Encode(message)));

    [Theory]
    [InlineData("%", "%")]
    [InlineData("%4", "%4")]
    [InlineData("%zz!", "%zz!")]
    [InlineData("ok %41", "ok A")]
    [InlineData("%C3", "\uFFFD")]
    public void Decoding_invalid_input_never_fails(string value, string decoded) => Assert.Equal(decoded, PercentEncoding.Decode(value));
}
