namespace PriceIngest.Api.Hosting;

/// <summary>The configuration asks for something unsafe or impossible; the message says what to change.</summary>
public sealed class StartupRefusedException(string message) : Exception(message);
