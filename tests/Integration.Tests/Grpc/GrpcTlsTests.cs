using PriceIngest.Contracts.V1;
using Grpc.Net.Client;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Grpc;

/// <summary>With <c>Silo:GrpcCertificatePath</c> the silo's gRPC port speaks TLS (ALPN h2); REST stays plain HTTP.</summary>
[Collection("postgres")]
#pragma warning disable CA1001 // the certificate is removed in DisposeAsync
public sealed class GrpcTlsTests(PostgresFixture postgres) : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly SelfSignedCertificate _certificate = new();
    private SiloInstance _silo = null!;

    public async Task InitializeAsync()
    {
        _silo = await SiloInstance.StartAsync(await postgres.CreateDatabaseAsync(),
            $"--Silo:GrpcCertificatePath={_certificate.PfxPath}", $"--Silo:GrpcCertificatePassword={SelfSignedCertificate.Password}");
        await TestData.LoadReferenceAsync(_silo.Http);
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        _certificate.Dispose();
    }

    [Fact]
    public async Task Grpc_answers_over_tls()
    {
        using var channel = GrpcChannel.ForAddress(_silo.GrpcAddress, new GrpcChannelOptions { HttpHandler = _certificate.TrustingHandler() });

        var reply = await new PriceService.PriceServiceClient(channel).GetRatesAsync(new RatesRequest { Origin = "asia", Destination = "europe", DateFrom = "2016-01-01", DateTo = "2016-01-02" });

        Assert.Equal("https", _silo.GrpcAddress.Scheme);
        Assert.Equal(["2016-01-01", "2016-01-02"], reply.Days.Select(d => d.Day));
    }
}
