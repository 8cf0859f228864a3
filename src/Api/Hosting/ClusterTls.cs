using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Orleans.Connections.Security;

namespace PriceIngest.Api.Hosting;

/// <summary>
/// Cluster traffic over TLS (Microsoft.Orleans.Connections.Security): silo-to-silo and
/// gateway-to-silo connections. Every silo and gateway presents the one cluster certificate
/// (<c>Cluster:TlsCertificatePath</c>) and accepts only a peer presenting that same certificate
/// (pinned by its SHA-256 hash, both directions), so a process without it can neither join the
/// cluster nor call a grain, and nobody on the wire reads prices or keys' effects.
/// </summary>
public static class ClusterTls
{
    /// <summary>The cluster certificate, or null when cluster traffic is plain (the default).</summary>
    public static X509Certificate2? Load(IConfiguration configuration)
    {
        var settings = configuration.GetSection(ClusterConfiguration.Section).Get<ClusterTlsOptions>() ?? new ClusterTlsOptions();
        if (string.IsNullOrEmpty(settings.TlsCertificatePath))
        {
            return null;
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(settings.TlsCertificatePath, settings.TlsCertificatePassword);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new StartupRefusedException($"Cluster:TlsCertificatePath '{settings.TlsCertificatePath}' could not be read as a PKCS#12 file: {e.Message}");
        }

        if (!certificate.HasPrivateKey)
        {
            throw new StartupRefusedException($"Cluster:TlsCertificatePath '{settings.TlsCertificatePath}' holds no private key");
        }

        return certificate;
    }

    public static void Configure(TlsOptions tls, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(tls);
        ArgumentNullException.ThrowIfNull(certificate);
        var pinned = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        tls.LocalCertificate = certificate;
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;

        // Pinning replaces chain and name checks: the cluster certificate may well be self-signed.
        tls.RemoteCertificateValidation = (remote, _, _) => remote.GetCertHashString(HashAlgorithmName.SHA256) == pinned;
    }
}
