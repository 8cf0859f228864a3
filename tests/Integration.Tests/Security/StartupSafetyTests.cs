using PriceIngest.Api.Hosting;
using PriceIngest.Formats;
using PriceIngest.Silo.Hosting;

namespace PriceIngest.Integration.Tests.Security;

/// <summary>What a silo refuses before it listens (built, never started: nothing here binds beyond loopback).</summary>
public sealed class StartupSafetyTests
{
    private const string NoDatabase = "Host=127.0.0.1;Port=1;Username=nobody";

    [Theory]
    [InlineData("*")]
    [InlineData("0.0.0.0")]
    public void Listening_beyond_loopback_without_keys_is_refused_with_how_to_add_them(string host)
    {
        var e = Assert.Throws<StartupRefusedException>(() => Build("--http-host", host));

        Assert.Contains($"refusing to listen on '{host}' (beyond loopback) without API keys", e.Message, StringComparison.Ordinal);
        Assert.Contains("priceingest keys new", e.Message, StringComparison.Ordinal);
        Assert.Contains("--api-keys FILE", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_or_an_explicit_allow_anonymous_lift_the_refusal()
    {
        using var keys = new KeysFile();
        await using (Build("--http-host", "*", "--api-keys", keys.Path))
        {
        }

        await using (Build("--http-host", "*", "--Security:AllowAnonymous=true"))
        {
        }
    }

    [Fact]
    public void A_keys_file_holding_a_key_instead_of_its_hash_is_refused_without_echoing_the_key()
    {
        using var keys = new KeysFile();
        var (key, _) = ApiKeyFile.Mint("pasted", ApiRole.Admin);
        keys.Write($"# fine\nops,admin,{new string('a', 64)}\npasted,admin,{key}\nbad name!,root,{new string('b', 64)}\n");

        var e = Assert.Throws<StartupRefusedException>(() => Build("--api-keys", keys.Path));

        Assert.Contains("line 3: the third field must be the 64 hex digits of the key's SHA-256", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 4: name 'bad name!'", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 4: role 'root' must be read, ingest or admin", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, e.Message, StringComparison.Ordinal);
    }

    private static Microsoft.AspNetCore.Builder.WebApplication Build(params string[] arguments) =>
        SiloApp.Build(["--http-port", "0", "--grpc-port", "0", "--Silo:Seed=false", .. arguments], NoDatabase, localMode: false);
}
