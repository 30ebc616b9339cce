using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace FragmentCache.Memcached;

/// <summary>TLS for connections to memcached servers started with <c>-Z</c>.</summary>
public sealed class MemcachedTlsOptions
{
    /// <summary>Whether connections use TLS. The default is <see langword="false"/>.</summary>
    public bool Enabled { get; set; }

    /// <summary>The name the server certificate must carry. The default is the server's host.</summary>
    public string? TargetHost { get; set; }

    /// <summary>A client certificate, for servers that require one (<c>ssl_verify_mode=2</c>). The default is none.</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>
    /// Validates the server certificate, for example against a private CA. The default is the operating
    /// system's validation.
    /// </summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; set; }

    /// <summary>Allowed protocol versions. The default is <see cref="SslProtocols.None"/>: the operating system's choice.</summary>
    public SslProtocols EnabledProtocols { get; set; } = SslProtocols.None;
}
