using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using PriceIngest.Grpc.Tests.Infrastructure;
using PriceIngest.Grpc.Tests.Protos;

namespace PriceIngest.Grpc.Tests.Interop;

/// <summary>With a certificate, ApiListeners serves gRPC over TLS, HTTP/2 negotiated by ALPN.</summary>
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
    public async Task Our_client_refuses_a_certificate_it_does_not_trust()
    {
        // No validation callback: the self-signed certificate is not trusted and the call never
        // reaches the server. Grpc.Net.Client reports the failed TLS handshake as INTERNAL (it maps
        // only socket and IO failures to UNAVAILABLE), carrying the AuthenticationException.
        using var channel = _server.CreateChannel();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await new EchoService.EchoServiceClient(channel).UnaryAsync(new EchoRequest { Message = "tls" }, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10))));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.IsType<AuthenticationException>(error.Status.DebugException?.InnerException);
    }

    [Fact]
    public async Task Our_client_calls_over_tls()
    {
        var thumbprint = _certificate.Thumbprint;
        using var channel = _server.CreateChannel(new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 presented && presented.Thumbprint == thumbprint },
            },
            DisposeHttpClient = true,
        });

        var reply = await new EchoService.EchoServiceClient(channel).UnaryAsync(new EchoRequest { Message = "tls" }, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10)));

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
