using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using PriceIngest.Bench.Measurement;

namespace PriceIngest.Bench.Contenders.Service;

/// <summary>
/// The service's REST API on loopback: reference uploads, batch uploads, rates. Keeps connections
/// open (HTTP/1.1 keep-alive, up to 128 at once); <see cref="Connect"/> points it at a (re)started silo.
/// </summary>
public sealed class RestServiceClient : IDisposable
{
    private HttpClient? _http;

    private HttpClient Http => _http ?? throw new InvalidOperationException("not connected to a silo");

    public void Connect(Uri baseAddress)
    {
        _http?.Dispose();
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = 128,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
        };
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(15) };
    }

    public async Task PutAsync(string path, string csv, CancellationToken cancellationToken)
    {
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        using var response = await Http.PutAsync(new Uri(path, UriKind.Relative), content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new ServiceCallException($"PUT {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    /// <summary>POST /batches?id=ID with a CSV body; the batch must commit.</summary>
    public async Task<BatchReceipt> PostBatchAsync(string id, byte[] csv, CancellationToken cancellationToken)
    {
        var (status, body, sentAt, answeredAt) = await PostRawBatchAsync(id, csv, cancellationToken);
        if (status != HttpStatusCode.OK)
        {
            throw new ServiceCallException($"POST /batches?id={id} answered {(int)status}: {Shorten(body)}");
        }

        using var receipt = JsonDocument.Parse(body);
        var root = receipt.RootElement;
        if (root.GetProperty("status").GetString() != "committed")
        {
            throw new ServiceCallException($"batch {id} was not committed: {Shorten(body)}");
        }

        return new(root.GetProperty("commit_seq").GetInt64(), root.GetProperty("items").GetInt64(), sentAt, answeredAt);
    }

    /// <summary>POST /batches?id=ID with a CSV body, whatever the answer.</summary>
    public async Task<(HttpStatusCode Status, string Body, long SentAt, long AnsweredAt)> PostRawBatchAsync(string id, byte[] csv, CancellationToken cancellationToken)
    {
        using var content = new MemoryBodyContent(csv, "text/csv");
        using var response = await Http.PostAsync(new Uri($"batches?id={Uri.EscapeDataString(id)}", UriKind.Relative), content, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return (response.StatusCode, body, content.SentAt, Elapsed.Now());
    }

    /// <summary>GET /rates with counts; with <paramref name="minCommitSeq"/> it answers only once that commit is visible.</summary>
    public async Task<RateDay[]> GetRatesAsync(LookupQuery query, long? minCommitSeq, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var path = string.Create(CultureInfo.InvariantCulture,
            $"rates?date_from={query.From:yyyy-MM-dd}&date_to={query.To:yyyy-MM-dd}&origin={Uri.EscapeDataString(query.Origin)}&destination={Uri.EscapeDataString(query.Destination)}&include_count=true");
        if (minCommitSeq is { } seq)
        {
            path += string.Create(CultureInfo.InvariantCulture, $"&min_commit_seq={seq}");
        }

        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new ServiceCallException($"GET /{path} answered {(int)response.StatusCode}: {Shorten(Encoding.UTF8.GetString(body))}");
        }

        return RatesJson.Parse(body);
    }

    public void Dispose() => _http?.Dispose();

    private static string Shorten(string text) => text.Length <= 2000 ? text : text[..2000] + "...";
}
