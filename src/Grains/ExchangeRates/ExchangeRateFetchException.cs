namespace PriceIngest.Grains.ExchangeRates;

/// <summary>A day's rates could not be fetched; the message says why (never the App ID).</summary>
internal sealed class ExchangeRateFetchException(string message) : Exception(message);
