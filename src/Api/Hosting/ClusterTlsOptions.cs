namespace PriceIngest.Api.Hosting;

/// <summary>TLS between the processes of a cluster (keys of configuration section "Cluster"); see <see cref="ClusterTls"/>.</summary>
public sealed class ClusterTlsOptions
{
    /// <summary>A PKCS#12 (.pfx) file with the cluster certificate and its key, the same in every silo and gateway. Default none: plain TCP.</summary>
    public string? TlsCertificatePath { get; set; }

    /// <summary>The password of <see cref="TlsCertificatePath"/>, if it has one.</summary>
    public string? TlsCertificatePassword { get; set; }
}
