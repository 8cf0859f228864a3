using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PriceIngest.Contracts.V1;
using Grpc.Net.Client;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Grpc;

/// <summary>With <c>Silo:GrpcCertificatePath</c> the silo's gRPC port speaks TLS (ALPN h2); REST stays plain HTTP.</summary>
[Collection("postgres")]
public sealed class GrpcTlsTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Password = "test-only";
    private readonly string _folder = Directory.CreateTempSubdirectory("priceingest-silo-tls-").FullName;
    private X509Certificate2 _certificate = null!;
    private SiloInstance _silo = null!;

    public async Task InitializeAsync()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        var path = Path.Combine(_folder, "silo.pfx");
        await File.WriteAllBytesAsync(path, _certificate.Export(X509ContentType.Pfx, Password));
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync(), $"--Silo:GrpcCertificatePath={path}", $"--Silo:GrpcCertificatePassword={Password}");
        await TestData.LoadReferenceAsync(_silo.Http);
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        _certificate.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Grpc_answers_over_tls()
    {
        var thumbprint = _certificate.Thumbprint;
        using var channel = GrpcChannel.ForAddress(_silo.GrpcAddress, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 presented && presented.Thumbprint == thumbprint },
            },
        });

        var reply = await new PriceService.PriceServiceClient(channel).GetRatesAsync(new RatesRequest { Origin = "asia", Destination = "europe", DateFrom = "2016-01-01", DateTo = "2016-01-02" });

        Assert.Equal("https", _silo.GrpcAddress.Scheme);
        Assert.Equal(["2016-01-01", "2016-01-02"], reply.Days.Select(d => d.Day));
    }
}
