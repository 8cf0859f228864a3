using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using PriceIngest.Grains.Services;

namespace PriceIngest.Grains.ExchangeRates;

/// <summary>
/// Fetches one day's rates from an openexchangerates.org-compatible service
/// (<c>historical/YYYY-MM-DD.json</c>: <c>{"base":"USD","rates":{"EUR":0.92,...}}</c>) with a timeout
/// and retries (Polly), and keeps them in <c>exchange_rates</c> without replacing a rate already there.
/// </summary>
internal sealed partial class ExchangeRateFetcher : IDisposable
{
    private readonly ExchangeRatesOptions _options;
    private readonly ExchangeRatesStore _store;
    private readonly ILogger<ExchangeRateFetcher> _logger;
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public ExchangeRateFetcher(IOptions<ExchangeRatesOptions> options, ExchangeRatesStore store, ILogger<ExchangeRateFetcher> logger)
    {
        _options = options.Value;
        _store = store;
        _logger = logger;
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = _options.FetchAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => r.StatusCode is HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500),
                OnRetry = args =>
                {
                    LogRetry(_logger, args.AttemptNumber + 1, args.Outcome.Exception?.GetType().Name ?? ((int)args.Outcome.Result!.StatusCode).ToString(CultureInfo.InvariantCulture));
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .AddTimeout(_options.FetchTimeout)
            .Build();
    }

    public bool Enabled => _options.Enabled;

    /// <summary>The day's rates, now also in the table; throws <see cref="ExchangeRateFetchException"/> with the reason otherwise.</summary>
    public async Task<IReadOnlyList<ExchangeRate>> FetchAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var dayText = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var where = _options.HistoricalUrl(day);
        var address = new Uri($"{where}?app_id={Uri.EscapeDataString(_options.AppId!)}");
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(
                async ct => await _http.GetAsync(address, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException)
        {
            throw new ExchangeRateFetchException($"{where} did not answer within {_options.FetchTimeout.TotalSeconds:0.#} s ({_options.FetchAttempts} attempts)");
        }
        catch (HttpRequestException e)
        {
            throw new ExchangeRateFetchException($"{where} could not be reached ({_options.FetchAttempts} attempts): {e.HttpRequestError}");
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new ExchangeRateFetchException($"{where} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            var rates = Parse(day, await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false), where);
            await _store.AddMissingAsync(rates, cancellationToken).ConfigureAwait(false);
            LogFetched(_logger, rates.Count, dayText);
            return rates;
        }
    }

    /// <summary>As <see cref="FetchAsync"/>, with a failure as its reason instead of an exception (a database failure still throws).</summary>
    public async Task<(IReadOnlyList<ExchangeRate>? Rates, string? Failure)> TryFetchAsync(DateOnly day, CancellationToken cancellationToken)
    {
        try
        {
            return (await FetchAsync(day, cancellationToken).ConfigureAwait(false), null);
        }
        catch (ExchangeRateFetchException e)
        {
            LogFetchFailed(_logger, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), e.Message);
            return (null, e.Message);
        }
    }

    /// <summary>Rates of known ISO codes with a positive value; anything else in the document is left out, a wrong shape is an error.</summary>
    private static List<ExchangeRate> Parse(DateOnly day, byte[] body, Uri where)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.TryGetProperty("base", out var currency) && currency.GetString() != Currencies.Usd)
            {
                throw new ExchangeRateFetchException($"{where} gave rates against {currency.GetString()}, not USD");
            }

            if (!root.TryGetProperty("rates", out var rates) || rates.ValueKind != JsonValueKind.Object)
            {
                throw new ExchangeRateFetchException($"{where} answered without a \"rates\" object");
            }

            return [.. rates.EnumerateObject()
                .Where(r => r.Name != Currencies.Usd && Currencies.IsKnown(r.Name) && r.Value.ValueKind == JsonValueKind.Number && r.Value.TryGetDecimal(out var rate) && rate > 0)
                .Select(r => new ExchangeRate(day, r.Name, r.Value.GetDecimal()))];
        }
        catch (JsonException)
        {
            throw new ExchangeRateFetchException($"{where} answered with something that is not JSON");
        }
    }

    public void Dispose() => _http.Dispose();

    [LoggerMessage(EventId = 2320, Level = LogLevel.Information, Message = "Fetched {Rates} exchange rates for {Day}")]
    private static partial void LogFetched(ILogger logger, int rates, string day);

    [LoggerMessage(EventId = 2322, Level = LogLevel.Warning, Message = "Fetching exchange rates for {Day} failed: {Reason}")]
    private static partial void LogFetchFailed(ILogger logger, string day, string reason);

    [LoggerMessage(EventId = 2321, Level = LogLevel.Warning, Message = "Fetching exchange rates: attempt {Attempt} after {Failure}")]
    private static partial void LogRetry(ILogger logger, int attempt, string failure);
}
