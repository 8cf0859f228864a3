using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using PriceIngest.Contracts.V1;
using PriceIngest.Integration.Tests.Infrastructure;
using PriceIngest.Integration.Tests.Support;

namespace PriceIngest.Integration.Tests.Cluster;

/// <summary>Silos and gateways as processes on loopback, talking Orleans over mutual TLS pinned to one cluster certificate.</summary>
[Collection(ClusterPostgresCollection.Name)]
public sealed class ClusterTlsTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_cluster_on_tls_serves_calls_and_its_ports_refuse_a_peer_without_the_cluster_certificate()
    {
        using var certificate = new SelfSignedCertificate();
        using var stranger = new SelfSignedCertificate();
        string[] tls = ["--Cluster:TlsCertificatePath", certificate.PfxPath, "--Cluster:TlsCertificatePassword", SelfSignedCertificate.Password];
        await using var cluster = await Cluster.CreateAsync(await postgres.CreateDatabaseAsync());
        var first = await cluster.StartSiloAsync(seed: true, settings: tls);
        var second = await cluster.StartSiloAsync(settings: tls);
        var gateway = await cluster.StartGatewayAsync(settings: tls);

        // Calls go gateway -> silo -> silo over TLS: lanes live on both silos.
        using var client = Cluster.Client([gateway]);
        var rates = await client.GetRatesAsync(new RatesRequest { DateFrom = "2016-01-01", DateTo = "2016-01-10", Origin = "china_main", Destination = "north_europe_main" });
        Assert.Equal(10, rates.Days.Count);
        Assert.Contains(rates.Days, r => r.HasAveragePrice);
        var receipt = await client.SubmitAsync("over-tls", [new PriceItem { Origin = "CNSGH", Destination = "NLRTM", Day = "2016-01-01", Price = 5 }]);
        Assert.Equal(BatchStatus.Committed, receipt.Status);

        // On the wire: TLS, and only a peer presenting the cluster certificate completes the handshake.
        foreach (var port in new[] { first.SiloPort, first.GatewayPort, second.GatewayPort })
        {
            await HandshakeAsync(port, certificate.Certificate, certificate.Certificate);
            await Assert.ThrowsAnyAsync<Exception>(() => HandshakeAsync(port, certificate.Certificate, clientCertificate: null));
            await Assert.ThrowsAnyAsync<Exception>(() => HandshakeAsync(port, certificate.Certificate, stranger.Certificate));
        }

        // A gateway with another certificate never reaches a silo.
        var outsider = cluster.LaunchGateway(settings: ["--Cluster:TlsCertificatePath", stranger.PfxPath, "--Cluster:TlsCertificatePassword", SelfSignedCertificate.Password]);
        await Task.Delay(TimeSpan.FromSeconds(10));
        using var ready = await outsider.Process.Http.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }

    /// <summary>A TLS handshake with an Orleans port that must present <paramref name="server"/> and keep the connection.</summary>
    private static async Task HandshakeAsync(int port, X509Certificate2 server, X509Certificate2? clientCertificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var expected = server.Thumbprint;
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false,
            (_, presented, _, _) => presented is X509Certificate2 c && c.Thumbprint == expected);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        }, deadline.Token);

        // With TLS 1.3 a refused client certificate surfaces at the first read (an alert, or the
        // connection closed), not in the handshake. An accepted peer is left open, waiting for the
        // Orleans preamble, or is sent the silo's own.
        using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            if (await tls.ReadAsync(new byte[1], quiet.Token) == 0)
            {
                throw new IOException("the server closed the connection");
            }
        }
        catch (OperationCanceledException) when (quiet.IsCancellationRequested)
        {
            // Still open: accepted.
        }
    }
}
