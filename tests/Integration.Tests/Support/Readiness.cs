namespace PriceIngest.Integration.Tests.Support;

/// <summary>Polls of <c>GET /health/ready</c> that dispose each response (a poll loop would otherwise hold one connection per poll).</summary>
internal static class Readiness
{
    /// <summary>The body: Healthy, Degraded or Unhealthy.</summary>
    public static async Task<string> StatusAsync(HttpClient http, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative), cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    /// <summary>Whether it answers 200 (Healthy or Degraded).</summary>
    public static async Task<bool> IsReadyAsync(HttpClient http, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative), cancellationToken);
        return response.IsSuccessStatusCode;
    }
}
