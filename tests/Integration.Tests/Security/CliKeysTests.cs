using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using PriceIngest.Integration.Tests.Cli;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Security;

/// <summary>The priceingest program mints a key, and calls a silo that requires keys with it.</summary>
[Collection("postgres")]
public sealed partial class CliKeysTests(PostgresFixture postgres)
{
    [GeneratedRegex(@"^\s+(pik_[A-Za-z0-9_-]{43})$", RegexOptions.Multiline)]
    private static partial Regex KeyLine();

    [GeneratedRegex(@"^\s+(etl,ingest,[0-9a-f]{64})$", RegexOptions.Multiline)]
    private static partial Regex FileLine();

    [Fact]
    public async Task A_minted_key_opens_the_silo_from_the_option_or_the_environment_and_no_key_is_refused()
    {
        var minted = await CliProcess.RunAsync(null, "keys", "new", "--name", "etl", "--role", "ingest");
        Assert.True(minted.ExitCode == 0, minted.ToString());
        var key = KeyLine().Match(minted.Stdout).Groups[1].Value;
        var line = FileLine().Match(minted.Stdout).Groups[1].Value;
        Assert.True(key.Length > 0 && line.Length > 0, minted.ToString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))), line.Split(',')[2]);

        using var keys = new KeysFile();
        keys.Write($"{line}\n{File.ReadAllLines(keys.Path).Single(l => l.StartsWith("ops,", StringComparison.Ordinal))}\n");
        await using var silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync(), "--api-keys", keys.Path);
        silo.Http.DefaultRequestHeaders.Authorization = new("Bearer", keys.Admin);
        await TestData.LoadReferenceAsync(silo.Http);
        var file = Path.Combine(Path.GetDirectoryName(keys.Path)!, "prices.csv");
        await File.WriteAllTextAsync(file, "origin,destination,day,price\nCNSGH,NLRTM,2016-01-01,1000\n");
        var server = silo.GrpcAddress.ToString();

        var refused = await CliProcess.RunAsync(null, "upload", file, "--batch-id", "cli-keys", "--server", server);
        Assert.True(refused.ExitCode == 3, refused.ToString());
        Assert.Contains("UNAUTHENTICATED: pass a key with --api-key or $PRICEINGEST_API_KEY", refused.Stderr, StringComparison.Ordinal);

        var upload = await CliProcess.RunAsync(null, "upload", file, "--batch-id", "cli-keys", "--server", server, "--api-key", key);
        Assert.True(upload.ExitCode == 0, upload.ToString());

        var rates = await CliProcess.RunWithEnvironmentAsync(new Dictionary<string, string?> { ["PRICEINGEST_API_KEY"] = key },
            "rates", "--origin", "CNSGH", "--destination", "NLRTM", "--from", "2016-01-01", "--to", "2016-01-01", "--min-count", "1", "--json", "--server", server);
        Assert.True(rates.ExitCode == 0, rates.ToString());
        Assert.Contains("\"average_price\": 1000", rates.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(key, upload.Stdout + upload.Stderr + rates.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_new_refuses_an_unknown_role_or_a_bad_name()
    {
        var role = await CliProcess.RunAsync(null, "keys", "new", "--name", "etl", "--role", "root");
        Assert.Equal(2, role.ExitCode);

        var name = await CliProcess.RunAsync(null, "keys", "new", "--name", "two words", "--role", "read");
        Assert.Equal(2, name.ExitCode);
        Assert.Contains("name 'two words' must be", name.Stderr, StringComparison.Ordinal);
    }
}
