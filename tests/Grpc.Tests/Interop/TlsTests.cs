using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PriceIngest.Grpc.Client;
using PriceIngest.Grpc.Tests.Echo;
using PriceIngest.Grpc.Tests.Infrastructure;
using PriceIngest.Grpc.Tests.Protos;

namespace PriceIngest.Grpc.Tests.Interop;

/// <summary>With a certificate, ListenGrpc serves gRPC over TLS, HTTP/2 negotiated by ALPN.</summary>
public sealed class TlsTests : IAsyncLifetime
{
    private const string Password = "test-only";
    private readonly string _folder = Directory.CreateTempSubdirectory("priceingest-grpc-tls-").FullName;
    private X509Certificate2 _certificate = null!;
    private GrpcTestServer _server = null!;

    public async Task InitializeAsync()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        await File.WriteAllBytesAsync(Path.Combine(_folder, "server.pfx"), _certificate.Export(X509ContentType.Pfx, Password));
        await File.WriteAllTextAsync(Path.Combine(_folder, "server.pem"), _certificate.ExportCertificatePem());
        _server = await GrpcTestServer.StartAsync(certificatePath: Path.Combine(_folder, "server.pfx"), certificatePassword: Password);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _certificate.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Our_client_calls_over_tls()
    {
        var thumbprint = _certificate.Thumbprint;
        using var channel = _server.CreateChannel(new GrpcChannelOptions
        {
            ConfigureHandler = handler => handler.SslOptions.RemoteCertificateValidationCallback =
                (_, certificate, _, _) => certificate is X509Certificate2 presented && presented.Thumbprint == thumbprint,
        });

        var reply = await channel.AsyncUnaryCall(EchoMethods.Unary, new EchoRequest { Message = "tls" }, new() { Deadline = DateTime.UtcNow.AddSeconds(10) });

        Assert.Equal("tls", reply.Message);
    }

    [Fact]
    public async Task Python_grpcio_calls_over_tls() =>
        await PythonGrpc.RunClientAsync(_server.Port, "tls_unary", TimeSpan.FromSeconds(60), Path.Combine(_folder, "server.pem"));

    [Fact]
    public async Task Http1_over_tls_gets_a_readable_refusal()
    {
        var thumbprint = _certificate.Thumbprint;
        using var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 presented && presented.Thumbprint == thumbprint },
        };
        using var client = new HttpClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.Address, "/priceingest.test.EchoService/Unary"))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(RawGrpcClient.Frame(new EchoRequest())),
        };
        request.Content.Headers.TryAddWithoutValidation("content-type", "application/grpc");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
    }
}
