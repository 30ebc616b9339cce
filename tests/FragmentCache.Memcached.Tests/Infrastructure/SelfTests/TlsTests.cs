using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace FragmentCache.Tests.Infrastructure;

public sealed class TlsTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void Create_Always_IssuesServerAndClientCertificatesFromTheCa()
    {
        using var certificates = TestCertificates.Create();

        Assert.Equal(certificates.CaCertificate.Subject, certificates.ServerCertificate.Issuer);
        Assert.Equal(certificates.CaCertificate.Subject, certificates.ClientCertificate.Issuer);
        Assert.Equal("CN=localhost", certificates.ServerCertificate.Subject);
        Assert.True(certificates.ClientCertificate.HasPrivateKey);
        Assert.True(certificates.ServerCertificate.MatchesHostname("localhost"));
        Assert.True(certificates.ServerCertificate.MatchesHostname("127.0.0.1"));
        Assert.False(certificates.CaCertificate.HasPrivateKey);
        if (!OperatingSystem.IsWindows())
        {
            // memcached reads the key after dropping root to the memcache user.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(certificates.ServerKeyPemPath));
        }
    }

    [Fact]
    public async Task Tls_GeneratedCa_AnswersOverSslStream()
    {
        using var certificates = TestCertificates.Create();
        await using var server = await MemcachedProcess.StartAsync(new MemcachedProcessOptions { Tls = certificates }, Token);

        await using var ssl = await ConnectAsync(server, certificates, withClientCertificate: false);
        var reply = await SendAsync(ssl, "version\r\n");

        Assert.Equal("VERSION 1.6.18\r\n", reply);
        Assert.True(ssl.SslProtocol is SslProtocols.Tls12 or SslProtocols.Tls13);
    }

    [Fact]
    public async Task Tls_UntrustedCa_ValidationFails()
    {
        using var certificates = TestCertificates.Create();
        using var other = TestCertificates.Create();
        await using var server = await MemcachedProcess.StartAsync(new MemcachedProcessOptions { Tls = certificates }, Token);

        await Assert.ThrowsAsync<AuthenticationException>(() => ConnectAsync(server, other, withClientCertificate: false));
    }

    [Fact]
    public async Task Tls_ClientCertificateRequired_AnswersWithClientCertificate()
    {
        using var certificates = TestCertificates.Create();
        var options = new MemcachedProcessOptions { Tls = certificates, RequireClientCertificate = true };
        await using var server = await MemcachedProcess.StartAsync(options, Token);

        await using var ssl = await ConnectAsync(server, certificates, withClientCertificate: true);

        Assert.Equal("VERSION 1.6.18\r\n", await SendAsync(ssl, "version\r\n"));
    }

    [Fact]
    public async Task Tls_ClientCertificateRequiredAndTlsResume_SecondConnectionRejected()
    {
        using var certificates = TestCertificates.Create();
        var options = new MemcachedProcessOptions { Tls = certificates, RequireClientCertificate = true };
        await using var server = await MemcachedProcess.StartAsync(options, Token);

        await using (var first = await ConnectAsync(server, certificates, withClientCertificate: true, allowTlsResume: true))
        {
            Assert.Equal("VERSION 1.6.18\r\n", await SendAsync(first, "version\r\n"));
        }

        // The quirk a client must avoid: the resumed session gets an "internal error" alert.
        var error = await Record.ExceptionAsync(async () =>
        {
            for (var i = 0; i < 3; i++)
            {
                await using var next = await ConnectAsync(server, certificates, withClientCertificate: true, allowTlsResume: true);
                Assert.Equal("VERSION 1.6.18\r\n", await SendAsync(next, "version\r\n"));
            }
        });

        Assert.IsType<AuthenticationException>(error);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task Tls_ClientCertificateRequired_RepeatedConnectionsWorkWithoutResumeOrWithSessionCache(bool allowTlsResume, bool sessionCache)
    {
        using var certificates = TestCertificates.Create();
        var options = new MemcachedProcessOptions { Tls = certificates, RequireClientCertificate = true, TlsSessionCache = sessionCache };
        await using var server = await MemcachedProcess.StartAsync(options, Token);

        for (var i = 0; i < 3; i++)
        {
            await using var ssl = await ConnectAsync(server, certificates, withClientCertificate: true, allowTlsResume);
            Assert.Equal("VERSION 1.6.18\r\n", await SendAsync(ssl, "version\r\n"));
        }
    }

    [Fact]
    public async Task Tls_ClientCertificateRequired_RefusesClientWithoutCertificate()
    {
        using var certificates = TestCertificates.Create();
        var options = new MemcachedProcessOptions { Tls = certificates, RequireClientCertificate = true };
        await using var server = await MemcachedProcess.StartAsync(options, Token);

        // With TLS 1.3 the server's verdict on the client certificate arrives after the client's handshake
        // has completed, so the failure shows on the handshake or on the first read.
        var error = await Record.ExceptionAsync(async () =>
        {
            await using var ssl = await ConnectAsync(server, certificates, withClientCertificate: false);
            var reply = await SendAsync(ssl, "version\r\n");
            Assert.Equal("", reply);
        });

        Assert.True(error is null or AuthenticationException or IOException, error?.ToString());
    }

    private static async Task<SslStream> ConnectAsync(MemcachedProcess server, TestCertificates certificates, bool withClientCertificate, bool allowTlsResume = false)
    {
        var client = new TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, server.Port, Token);
        var ssl = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(certificates.CreateClientOptions(withClientCertificate, allowTlsResume), Token);
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync();
            client.Dispose();
            throw;
        }
    }

    private static async Task<string> SendAsync(Stream stream, string command)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command), Token);
        var buffer = new byte[4096];
        var received = new StringBuilder();
        for (var i = 0; i < 100 && !received.ToString().EndsWith("\r\n", StringComparison.Ordinal); i++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return received.ToString();
    }
}
