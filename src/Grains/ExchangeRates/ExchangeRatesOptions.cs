using System.ComponentModel.DataAnnotations;

namespace PriceIngest.Grains.ExchangeRates;

/// <summary>
/// Fetching missing exchange rates from an openexchangerates.org-compatible service
/// (configuration section "ExchangeRates"). Off unless <see cref="AppId"/> is set.
/// </summary>
public sealed class ExchangeRatesOptions : IValidatableObject
{
    public const string Section = "ExchangeRates";

    /// <summary>
    /// The service's App ID (sent as <c>app_id</c>, never logged). When set, a day an upload needs
    /// and <c>exchange_rates</c> lacks is fetched from <c>{BaseUrl}historical/YYYY-MM-DD.json</c> and
    /// kept in the table. Default none: only rates put with <c>PUT /exchange-rates</c> are used.
    /// </summary>
    public string? AppId { get; set; }

    /// <summary>
    /// Where the service answers. Default <c>https://openexchangerates.org/api/</c>. A missing final
    /// slash is implied: <c>http://host/api</c> means <c>http://host/api/historical/...</c>.
    /// </summary>
    public Uri BaseUrl { get; set; } = new("https://openexchangerates.org/api/");

    /// <summary>Time limit of one request. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts per day (a timeout, a connection failure or a 5xx/429 answer is tried again). Default 3.</summary>
    [Range(1, 10)]
    public int FetchAttempts { get; set; } = 3;

    public bool Enabled => !string.IsNullOrWhiteSpace(AppId);

    /// <summary>The day's file: <c>{BaseUrl}historical/YYYY-MM-DD.json</c>, without the App ID.</summary>
    public Uri HistoricalUrl(DateOnly day)
    {
        var root = BaseUrl.AbsoluteUri.EndsWith('/') ? BaseUrl : new Uri(BaseUrl.AbsoluteUri + "/");
        return new Uri(root, $"historical/{day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}.json");
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!BaseUrl.IsAbsoluteUri || BaseUrl.Scheme is not ("http" or "https"))
        {
            yield return new($"ExchangeRates:BaseUrl '{BaseUrl}' must be an absolute http or https address", [nameof(BaseUrl)]);
        }
    }
}
