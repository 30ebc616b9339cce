using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FragmentCache.Tests.Infrastructure;

/// <summary>
/// A throw-away PKI for TLS tests: a self-signed CA, a server certificate for <c>localhost</c> / 127.0.0.1 and a
/// client certificate, both signed by the CA (ECDSA P-256). PEM files for memcached's <c>-o ssl_*</c> options are
/// written to a temp directory the <c>memcache</c> user can read.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);
    private readonly string _directory;

    private TestCertificates(X509Certificate2 ca, X509Certificate2 server, X509Certificate2 client, string directory)
    {
        CaCertificate = ca;
        ServerCertificate = server;
        ClientCertificate = client;
        _directory = directory;
        CaCertificatePemPath = TestFiles.WriteFile(directory, "ca.pem", ca.ExportCertificatePem() + "\n");
        ServerChainPemPath = TestFiles.WriteFile(directory, "server-chain.pem", server.ExportCertificatePem() + "\n" + ca.ExportCertificatePem() + "\n");
        ServerKeyPemPath = TestFiles.WriteFile(directory, "server-key.pem", ExportKeyPem(server) + "\n");
        ClientCertificatePemPath = TestFiles.WriteFile(directory, "client.pem", client.ExportCertificatePem() + "\n");
        ClientKeyPemPath = TestFiles.WriteFile(directory, "client-key.pem", ExportKeyPem(client) + "\n");
    }

    /// <summary>The self-signed CA (public part only), to trust in validation callbacks.</summary>
    public X509Certificate2 CaCertificate { get; }

    /// <summary>The server certificate (CN and SAN <c>localhost</c>, SAN IP 127.0.0.1), with its private key.</summary>
    public X509Certificate2 ServerCertificate { get; }

    /// <summary>The client certificate (CN <c>fragmentcache-test-client</c>), with a private key usable by
    /// <see cref="SslStream"/> on Linux (round-tripped through PFX).</summary>
    public X509Certificate2 ClientCertificate { get; }

    /// <summary>PEM of the CA certificate (memcached's <c>ssl_ca_cert</c>).</summary>
    public string CaCertificatePemPath { get; }

    /// <summary>PEM of the server certificate followed by the CA (memcached's <c>ssl_chain_cert</c>).</summary>
    public string ServerChainPemPath { get; }

    /// <summary>PKCS#8 PEM of the server key (memcached's <c>ssl_key</c>).</summary>
    public string ServerKeyPemPath { get; }

    /// <summary>PEM of the client certificate (for <c>openssl s_client</c> when debugging).</summary>
    public string ClientCertificatePemPath { get; }

    /// <summary>PKCS#8 PEM of the client key.</summary>
    public string ClientKeyPemPath { get; }

    /// <summary>A server-certificate validation callback that trusts exactly <see cref="CaCertificate"/>.</summary>
    public RemoteCertificateValidationCallback ServerCertificateValidationCallback => ValidateServerCertificate;

    /// <summary>Generates a new CA, server and client certificate and writes the PEM files.</summary>
    public static TestCertificates Create()
    {
        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        var notAfter = notBefore + Lifetime;

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=FragmentCache Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var caWithKey = caRequest.CreateSelfSigned(notBefore, notAfter);

        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        var server = Issue(caWithKey, "CN=localhost", "1.3.6.1.5.5.7.3.1", san.Build(), notBefore, notAfter, serial: 2);
        var client = Issue(caWithKey, "CN=fragmentcache-test-client", "1.3.6.1.5.5.7.3.2", extension: null, notBefore, notAfter, serial: 3);
        var ca = X509CertificateLoader.LoadCertificate(caWithKey.RawData);

        return new TestCertificates(ca, server, client, TestFiles.CreateDirectory("fragmentcache-certs-"));
    }

    /// <summary>Client options for <c>localhost</c> that validate the server against the test CA, optionally
    /// offering <see cref="ClientCertificate"/>. TLS resumption is off by default: memcached 1.6.18 requiring client
    /// certificates without <c>ssl_session_cache</c> rejects resumed sessions (see
    /// <see cref="MemcachedProcessOptions.TlsSessionCache"/>).</summary>
    public SslClientAuthenticationOptions CreateClientOptions(bool withClientCertificate, bool allowTlsResume = false) => new()
    {
        TargetHost = "localhost",
        AllowTlsResume = allowTlsResume,
        RemoteCertificateValidationCallback = ServerCertificateValidationCallback,
        ClientCertificates = withClientCertificate ? new X509CertificateCollection { ClientCertificate } : null,
    };

    /// <summary>Disposes the certificates and deletes the PEM files.</summary>
    public void Dispose()
    {
        CaCertificate.Dispose();
        ServerCertificate.Dispose();
        ClientCertificate.Dispose();
        TestFiles.TryDelete(_directory);
    }

    private bool ValidateServerCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        using var customChain = new X509Chain();
        customChain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        customChain.ChainPolicy.CustomTrustStore.Add(CaCertificate);
        customChain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return customChain.Build(leaf);
    }

    private static X509Certificate2 Issue(X509Certificate2 issuer, string subject, string extendedKeyUsageOid, X509Extension? extension, DateTimeOffset notBefore, DateTimeOffset notAfter, byte serial)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(extendedKeyUsageOid)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        if (extension is not null)
        {
            request.CertificateExtensions.Add(extension);
        }

        using var issued = request.Create(issuer, notBefore, notAfter, [serial]);
        using var withKey = issued.CopyWithPrivateKey(key);

        // An ephemeral key is not usable by SslStream on every platform; a PFX round trip gives a persisted one.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null, X509KeyStorageFlags.Exportable);
    }

    private static string ExportKeyPem(X509Certificate2 certificate)
    {
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("certificate has no ECDSA key");
        return new string(PemEncoding.Write("PRIVATE KEY", key.ExportPkcs8PrivateKey()));
    }
}
