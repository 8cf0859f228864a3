using System.Net;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Security;

/// <summary>With <c>Silo:HttpCertificatePath</c> the REST port speaks HTTPS only (a self-signed certificate made here).</summary>
[Collection("postgres")]
#pragma warning disable CA1001 // the certificate is removed in DisposeAsync
public sealed class RestTlsTests(PostgresFixture postgres) : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly SelfSignedCertificate _certificate = new();
    private SiloInstance _silo = null!;

    public async Task InitializeAsync() =>
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync(),
            $"--Silo:HttpCertificatePath={_certificate.PfxPath}", $"--Silo:HttpCertificatePassword={SelfSignedCertificate.Password}");

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        _certificate.Dispose();
    }

    [Fact]
    public async Task Rest_answers_over_https_with_the_configured_certificate_and_refuses_plain_http()
    {
        Assert.Equal("https", _silo.Http.BaseAddress!.Scheme);
        using var https = new HttpClient(_certificate.TrustingHandler()) { BaseAddress = _silo.Http.BaseAddress };

        Assert.Equal(HttpStatusCode.OK, (await https.PutAsync(new Uri("/regions", UriKind.Relative), TestData.Csv(TestData.Regions))).StatusCode);

        using var plain = new HttpClient { BaseAddress = new UriBuilder(_silo.Http.BaseAddress) { Scheme = "http" }.Uri, Timeout = TimeSpan.FromSeconds(10) };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetAsync(new Uri("/health/live", UriKind.Relative)));
    }
}
