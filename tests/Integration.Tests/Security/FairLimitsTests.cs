using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using PriceIngest.Contracts.V1;
using PriceIngest.Grains.Batches;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;
using static PriceIngest.Integration.Tests.Grpc.GrpcRequests;

namespace PriceIngest.Integration.Tests.Security;

/// <summary>Stalled uploads, per-key limits and a full silo, against a real silo on loopback.</summary>
[Collection("postgres")]
public sealed class FairLimitsTests(PostgresFixture postgres)
{
    private const string Row = "CNSGH,NLRTM,2016-01-01,5\n";

    [Fact]
    public async Task Forty_stalled_uploads_hold_only_their_own_keys_slots_and_a_normal_upload_still_commits()
    {
        using var keys = new KeysFile();
        await using var silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync(),
            "--api-keys", keys.Path, "--Limits:UploadStallTimeout=00:00:15");
        using var channel = GrpcChannel.ForAddress(silo.GrpcAddress);
        using (KeysFile.Use(silo.Http, keys.Admin))
        {
            await TestData.LoadReferenceAsync(silo.Http);
        }

        var started = Stopwatch.StartNew();
        var stalled = Enumerable.Range(0, 40)
            .Select(i => i % 2 == 0 ? StalledRestAsync(silo, keys.Ingester, $"stall-{i}") : StalledGrpcAsync(channel, keys.Ingester, $"stall-{i}"))
            .ToList();
        var refusedCalls = await WhenCountAsync(stalled, 24);
        var refused = refusedCalls.Select(t => t.Result).ToList();

        // Refused at once, by name: the key's own limit (16 by default), not a busy database.
        Assert.All(refused, r => Assert.Contains("key 'etl-loader' already has 16 uploads open", r.Detail, StringComparison.Ordinal));
        Assert.All(refused, r => Assert.Equal("1", r.RetryAfter));
        Assert.All(refused, r => Assert.True(r.Outcome is "429" or "ResourceExhausted", r.Outcome));

        using var normal = new HttpRequestMessage(HttpMethod.Post, "/batches?id=normal") { Content = TestData.Csv("origin,destination,day,price\n" + Row) };
        normal.Headers.Authorization = new AuthenticationHeaderValue("Bearer", keys.Admin);
        var response = await silo.Http.SendAsync(normal);
        var committedAfter = started.Elapsed;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The stall timeout leaves a loaded machine ample time to get here while the 16 are still held.
        var stillHeld = stalled.Count(s => !s.IsCompleted);
        Assert.True(stillHeld == 16, $"{stillHeld} uploads still held when the normal upload committed, {committedAfter} after the start");

        // The 16 held are aborted once nothing arrives for the stall timeout, and nothing of them is written.
        // By call, not by value: two answers may be equal records.
        await Task.WhenAll(stalled);
        var held = stalled.Except(refusedCalls).Select(t => t.Result).ToList();
        Assert.True(held.Count == 16, $"{held.Count} held: {string.Join("; ", held.Select(h => $"{h.Outcome} {h.Detail}"))}");
        Assert.All(held, h => Assert.True(h.Outcome is "408" or "Aborted", $"{h.Outcome}: {h.Detail}"));
        Assert.True(committedAfter < started.Elapsed - TimeSpan.FromSeconds(4), $"the normal upload took until {committedAfter}");
        Assert.Equal(0, silo.Services.GetRequiredService<UploadsInProgress>().Count);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(silo.ConnectionString, "SELECT count(*) FROM batches WHERE state = 'committed'"));

        // The key's slots are free again.
        using var again = new HttpRequestMessage(HttpMethod.Post, "/batches?id=after") { Content = TestData.Csv("origin,destination,day,price\n" + Row) };
        again.Headers.Authorization = new AuthenticationHeaderValue("Bearer", keys.Ingester);
        Assert.Equal(HttpStatusCode.OK, (await silo.Http.SendAsync(again)).StatusCode);
    }

    [Fact]
    public async Task A_full_silo_says_its_upload_slots_are_taken_not_that_the_database_is_down()
    {
        await using var silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync(),
            "--Ingest:MaxConcurrentUploads=3", "--Limits:UploadsPerCaller=100", "--Limits:UploadStallTimeout=00:00:10");
        using var channel = GrpcChannel.ForAddress(silo.GrpcAddress);
        await TestData.LoadReferenceAsync(silo.Http);
        using var cancel = new CancellationTokenSource();
        var holders = Enumerable.Range(0, 3).Select(i => StalledGrpcAsync(channel, null, $"hold-{i}", cancel.Token)).ToList();
        var open = silo.Services.GetRequiredService<UploadsInProgress>();
        await Until(() => open.Count == 3);

        var response = await silo.Http.PostAsync("/batches?id=one-more", TestData.Csv("origin,destination,day,price\n" + Row));
        var problem = await response.Content.ReadAsStringAsync();
        var grpc = await Assert.ThrowsAsync<RpcException>(() => UploadAsync(channel, "one-more-grpc", [[Item("CNSGH", "NLRTM", "2016-01-01", 5)]]));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Contains("all 3 upload slots of this silo are in use (Ingest:MaxConcurrentUploads)", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("database", problem, StringComparison.Ordinal);
        Assert.Equal(StatusCode.Unavailable, grpc.StatusCode);
        Assert.Contains("upload slots", grpc.Status.Detail, StringComparison.Ordinal);

        // The holders go away: their slots are free once the silo hears of it (at the latest after the stall timeout).
        await cancel.CancelAsync();
        await Task.WhenAll(holders);
        try
        {
            await Until(() => open.Count == 0);
        }
        catch (Xunit.Sdk.XunitException)
        {
            var activity = await Sql.ScalarAsync<string>(silo.ConnectionString,
                "select string_agg(coalesce(application_name,'') || '|' || coalesce(state,'') || '|' || coalesce(wait_event_type,'') || ':' || coalesce(wait_event,'') || '|' || left(query, 120), E'\n') from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()");
            var batches = await Sql.ScalarAsync<string>(silo.ConnectionString, "select coalesce(string_agg(id || ':' || state, ','), '') from batches");
            Assert.Fail($"{open.Count} uploads still open; holders: {string.Join(", ", holders.Select(h => h.Result.Outcome + " " + h.Result.Detail))}\nbatches: {batches}\nsessions:\n{activity}");
        }

        Assert.Equal(HttpStatusCode.OK, (await silo.Http.PostAsync("/batches?id=one-more", TestData.Csv("origin,destination,day,price\n" + Row))).StatusCode);
    }

    [Fact]
    public async Task Over_its_request_rate_a_key_gets_429_or_resource_exhausted_with_retry_after_and_health_stays_open()
    {
        using var keys = new KeysFile();
        await using var silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync(),
            "--api-keys", keys.Path, "--Limits:RequestsPerSecondPerCaller=5");
        using var channel = GrpcChannel.ForAddress(silo.GrpcAddress);

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 12; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/batches/none");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", keys.Reader);
            answers.Add(await silo.Http.SendAsync(request));
        }

        var limited = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.InRange(limited.Count, 1, 7);
        Assert.All(answers.Except(limited), a => Assert.Equal(HttpStatusCode.NotFound, a.StatusCode));
        Assert.NotNull(limited[0].Headers.RetryAfter);
        Assert.Contains("key 'etl-reader' sent more than 5 requests in a second (Limits:RequestsPerSecondPerCaller)",
            await limited[0].Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var grpc = await Assert.ThrowsAsync<RpcException>(() => new IngestService.IngestServiceClient(channel)
            .GetBatchAsync(new GetBatchRequest { BatchId = "none" }, new Metadata { { "authorization", $"Bearer {keys.Reader}" } }).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, grpc.StatusCode);

        // Another key has its own bucket; health is never counted.
        using var other = new HttpRequestMessage(HttpMethod.Get, "/batches/none");
        other.Headers.Authorization = new AuthenticationHeaderValue("Bearer", keys.Ingester);
        Assert.Equal(HttpStatusCode.NotFound, (await silo.Http.SendAsync(other)).StatusCode);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync("/health/live")).StatusCode);
        }
    }

    [Fact]
    public async Task The_client_library_waits_as_long_as_a_rate_limit_asks_and_then_succeeds()
    {
        using var keys = new KeysFile();
        await using var silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync(),
            "--api-keys", keys.Path, "--Limits:RequestsPerSecondPerCaller=2");
        using (KeysFile.Use(silo.Http, keys.Admin))
        {
            await TestData.LoadReferenceAsync(silo.Http);
        }

        var retries = new List<PriceIngest.Client.RetryNotice>();
        using var client = new PriceIngest.Client.PriceIngestClient(silo.GrpcAddress, new() { ApiKey = keys.Ingester, OnRetry = retries.Add });

        for (var i = 0; i < 5; i++)
        {
            var receipt = await client.SubmitAsync($"paced-{i}", [Item("CNSGH", "NLRTM", "2016-01-01", 5)]);
            Assert.Equal(BatchStatus.Committed, receipt.Status);
        }

        Assert.NotEmpty(retries);
        Assert.All(retries, r => Assert.True(r.Delay >= TimeSpan.FromSeconds(1), $"retried after {r.Delay}"));
        Assert.All(retries, r => Assert.Equal(StatusCode.ResourceExhausted, Assert.IsType<RpcException>(r.Failure).StatusCode));
    }

    private sealed record Stalled(string Outcome, string Detail, string? RetryAfter);

    /// <summary>A REST upload that sends its headers and one row of a 1 MB body, then nothing.</summary>
    private static async Task<Stalled> StalledRestAsync(SiloInstance silo, string key, string id)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, silo.Http.BaseAddress!.Port);
        var stream = tcp.GetStream();
        var head = $"POST /batches?id={id} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\nContent-Type: text/csv\r\n" +
            $"Content-Length: 1000000\r\n\r\norigin,destination,day,price\n{Row}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var status = (await reader.ReadLineAsync())!.Split(' ')[1];
        string? retryAfter = null;
        var length = 0;
        for (var line = await reader.ReadLineAsync(); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync())
        {
            var (name, value) = (line[..line.IndexOf(':', StringComparison.Ordinal)], line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());
            retryAfter = name.Equals("Retry-After", StringComparison.OrdinalIgnoreCase) ? value : retryAfter;
            length = name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : length;
        }

        if (length == 0 && int.TryParse(await reader.ReadLineAsync(), System.Globalization.NumberStyles.HexNumber, null, out var chunk))
        {
            // Chunked: the problem is one chunk.
            length = chunk;
        }

        var body = new char[length];
        await reader.ReadBlockAsync(body);
        return new(status, new string(body), retryAfter);
    }

    /// <summary>A gRPC upload that sends its header message, then nothing (until cancelled).</summary>
    private static async Task<Stalled> StalledGrpcAsync(GrpcChannel channel, string? key, string id, CancellationToken cancellationToken = default)
    {
        var metadata = key is null ? [] : new Metadata { { "authorization", $"Bearer {key}" } };
        using var call = new IngestService.IngestServiceClient(channel).UploadBatch(metadata, cancellationToken: cancellationToken);
        try
        {
            await call.RequestStream.WriteAsync(Header(id), cancellationToken);
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException)
        {
            // The call was answered while (or before) the header was written; a refusal before
            // reading the request resets the stream, which can fail the write with CANCELLED.
            // The answer is the outcome, as PriceIngestClient takes it.
        }

        try
        {
            await call.ResponseAsync;
            return new("OK", "", null);
        }
        catch (RpcException e)
        {
            return new(e.StatusCode.ToString(), e.Status.Detail, e.Trailers.GetValue("retry-after"));
        }
    }

    /// <summary>Waits until <paramref name="count"/> of the tasks have finished; returns those that have.</summary>
    private static async Task<List<Task<Stalled>>> WhenCountAsync(List<Task<Stalled>> tasks, int count)
    {
        await Until(() => tasks.Count(t => t.IsCompleted) >= count);
        return [.. tasks.Where(t => t.IsCompleted)];
    }

    private static async Task Until(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "timed out waiting");
            await Task.Delay(20);
        }
    }
}
