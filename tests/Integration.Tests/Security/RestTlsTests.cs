using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Security;

/// <summary>With <c>Silo:HttpCertificatePath</c> the REST port speaks HTTPS only (a self-signed certificate made here).</summary>
[Collection("postgres")]
public sealed class RestTlsTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Password = "test-only";
    private readonly string _folder = Directory.CreateTempSubdirectory("priceingest-rest-tls-").FullName;
    private X509Certificate2 _certificate = null!;
    private SiloInstance _silo = null!;

    public async Task InitializeAsync()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        var path = Path.Combine(_folder, "rest.pfx");
        await File.WriteAllBytesAsync(path, _certificate.Export(X509ContentType.Pfx, Password));
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync(), $"--Silo:HttpCertificatePath={path}", $"--Silo:HttpCertificatePassword={Password}");
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        _certificate.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Rest_answers_over_https_with_the_configured_certificate_and_refuses_plain_http()
    {
        Assert.Equal("https", _silo.Http.BaseAddress!.Scheme);
        var thumbprint = _certificate.Thumbprint;
        string? presented = null;
        using var handler = new SocketsHttpHandler
        {
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    presented = (certificate as X509Certificate2)?.Thumbprint;
                    return presented == thumbprint;
                },
            },
        };
        using var https = new HttpClient(handler) { BaseAddress = _silo.Http.BaseAddress };

        Assert.Equal(HttpStatusCode.OK, (await https.PutAsync(new Uri("/regions", UriKind.Relative), TestData.Csv(TestData.Regions))).StatusCode);
        Assert.Equal(thumbprint, presented);

        using var plain = new HttpClient { BaseAddress = new UriBuilder(_silo.Http.BaseAddress) { Scheme = "http" }.Uri, Timeout = TimeSpan.FromSeconds(10) };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetAsync(new Uri("/health/live", UriKind.Relative)));
    }
}
