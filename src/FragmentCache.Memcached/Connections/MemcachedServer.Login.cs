using System.Net.Security;
using System.Text;

namespace FragmentCache.Memcached.Connections;

/// <summary>A new connection's handshake: TLS, memcached's ASCII login, and a first request that proves it is memcached.</summary>
internal sealed partial class MemcachedServer
{
    private async Task<Stream> AuthenticateTlsAsync(Stream inner, CancellationToken cancellationToken)
    {
        var tls = _options.Tls;
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        var authentication = new SslClientAuthenticationOptions
        {
            TargetHost = tls.TargetHost ?? EndPoint.Host ?? "localhost",
            EnabledSslProtocols = tls.EnabledProtocols,
            RemoteCertificateValidationCallback = tls.ServerCertificateValidation,
            // memcached 1.6.18 answers a resumed session that needs a client certificate with an internal-error
            // alert; connections are long-lived, so a full handshake each time costs nothing that matters.
            AllowTlsResume = false,
        };
        if (tls.ClientCertificate is not null)
        {
            authentication.ClientCertificates = [tls.ClientCertificate];
        }

        try
        {
            await ssl.AuthenticateAsClientAsync(authentication, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new MemcachedException($"The TLS handshake with {EndPoint} failed: {ex.Message}", ex);
        }

        return ssl;
    }

    private async Task LoginAndProbeAsync(MemcachedConnection connection, CancellationToken cancellationToken)
    {
        if (_options.Username is not null)
        {
            var credentials = Encoding.ASCII.GetBytes($"{_options.Username} {_options.Password}");
            var login = new TextOperation($"set _auth 0 0 {credentials.Length}", credentials);
            if (!connection.TryEnqueue(login))
            {
                throw new MemcachedException($"The connection to {EndPoint} closed before the login.");
            }

            var reply = await login.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (reply.Count != 1 || reply[0] != "STORED")
            {
                throw new MemcachedAuthenticationException(
                    $"{EndPoint} rejected the credentials (Username/Password) ({reply[0]}).");
            }
        }

        var probe = new TextOperation("mn");
        if (!connection.TryEnqueue(probe))
        {
            throw new MemcachedException($"The connection to {EndPoint} closed before the first request.");
        }

        var answer = await probe.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (answer.Count != 1 || answer[0] != "MN")
        {
            throw new MemcachedException($"{EndPoint} did not answer the first request as memcached does ('{answer[0]}'); " +
                (answer[0].Contains("unauthenticated", StringComparison.Ordinal) ? "it requires a login (Username/Password)." : "is it a memcached server?"));
        }
    }
}
