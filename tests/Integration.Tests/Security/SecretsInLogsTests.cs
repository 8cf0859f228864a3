using System.Globalization;
using System.Net.Http.Headers;
using Grpc.Core;
using Grpc.Net.Client;
using PriceIngest.Contracts.V1;
using PriceIngest.Formats;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Security;

/// <summary>A silo process logging everything (Debug, every category) never writes a key, a key's hash or a password.</summary>
[Collection("postgres")]
public sealed class SecretsInLogsTests(PostgresFixture postgres)
{
    [Fact]
    public async Task No_key_hash_or_password_appears_in_a_debug_log_of_a_full_run()
    {
        using var keys = new KeysFile();
        var (wrong, _) = ApiKeyFile.Mint("never-in-file", ApiRole.Admin);
        var secrets = new[] { keys.Admin, keys.Ingester, keys.Reader, wrong }
            .Concat(File.ReadAllLines(keys.Path).Where(l => l.Contains(',', StringComparison.Ordinal) && !l.StartsWith('#')).Select(l => l.Split('#')[0].Trim().Split(',')[2]))
            .ToList();
        var connectionString = await postgres.CreateDatabaseAsync();
        var grpcPort = SiloProcess.FreeLoopbackPort();

        await using var silo = SiloProcess.Start(SiloProcess.FreeLoopbackPort(), Path.GetDirectoryName(keys.Path)!, null,
            "--connection-string", connectionString, "--api-keys", keys.Path, "--grpc-port", grpcPort.ToString(CultureInfo.InvariantCulture),
            "--Logging:LogLevel:Default=Debug", "--Logging:LogLevel:Microsoft.AspNetCore=Debug", "--Logging:LogLevel:Orleans=Information");
        await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));

        silo.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", keys.Admin);
        await TestData.LoadReferenceAsync(silo.Http);
        await silo.Http.PostAsync(new Uri("/batches?id=logged", UriKind.Relative), TestData.PricesCsv([("CNSGH", "NLRTM", "2016-01-01", 5)]));
        silo.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", wrong);
        await silo.Http.GetAsync(new Uri("/batches/logged", UriKind.Relative));
        silo.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", keys.Reader);
        await silo.Http.PutAsync(new Uri("/ports", UriKind.Relative), TestData.Csv(TestData.Ports));
        using (var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort.ToString(CultureInfo.InvariantCulture)}"))
        {
            var ingest = new IngestService.IngestServiceClient(channel);
            var submit = new SubmitBatchRequest { Header = new BatchHeader { BatchId = "logged-grpc" }, Items = { new PriceItem { Origin = "CNSGH", Destination = "NLRTM", Day = "2016-01-01", Price = 5 } } };
            await ingest.SubmitBatchAsync(submit, [new("authorization", "Bearer " + keys.Ingester)]);
            await Assert.ThrowsAsync<RpcException>(async () => await ingest.SubmitBatchAsync(submit, [new("authorization", "Bearer " + wrong)]));
        }

        var (exitCode, _) = await silo.StopWithSigtermAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, exitCode);
        var log = silo.Output;
        Assert.Contains("Batch logged committed", log, StringComparison.Ordinal);
        Assert.Contains("API key(s) in force", log, StringComparison.Ordinal);
        foreach (var secret in secrets)
        {
            Assert.True(!log.Contains(secret, StringComparison.OrdinalIgnoreCase), $"the log holds a secret ({secret[..8]}...)");
        }

        Assert.DoesNotContain(ApiKeyFile.KeyPrefix, log, StringComparison.Ordinal);
        Assert.DoesNotContain("password=", log, StringComparison.OrdinalIgnoreCase);
    }
}
