using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PriceIngest.Integration.Tests.Support;

/// <summary>A self-signed certificate for 127.0.0.1 in a throwaway folder, as the PFX file a silo is configured with.</summary>
public sealed class SelfSignedCertificate : IDisposable
{
    public const string Password = "test-only";

    private readonly string _folder = Directory.CreateTempSubdirectory("priceingest-tls-").FullName;

    public SelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        PfxPath = Path.Combine(_folder, "silo.pfx");
        File.WriteAllBytes(PfxPath, Certificate.Export(X509ContentType.Pfx, Password));
    }

    public X509Certificate2 Certificate { get; }

    public string PfxPath { get; }

    /// <summary>A handler that trusts exactly this certificate (and records that it was presented).</summary>
    public SocketsHttpHandler TrustingHandler()
    {
        var thumbprint = Certificate.Thumbprint;
        return new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented is X509Certificate2 c && c.Thumbprint == thumbprint },
        };
    }

    public void Dispose()
    {
        Certificate.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
