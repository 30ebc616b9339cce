using FragmentCache.Memcached;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace FragmentCache.Tests.Memcached;

/// <summary>TLS (memcached -Z) and ASCII authentication (memcached -Y) against real servers.</summary>
public sealed class MemcachedSecurityTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Tls_RealServer_RoundTripsOverEveryConnection(bool requireClientCertificate)
    {
        using var certificates = TestCertificates.Create();
        await using var server = await MemcachedProcess.StartAsync(new MemcachedProcessOptions
        {
            Tls = certificates,
            RequireClientCertificate = requireClientCertificate,
        });
        var options = new MemcachedClientOptions { ConnectionsPerServer = 3 };
        options.Servers.Add(server.Address);
        options.Tls.Enabled = true;
        options.Tls.TargetHost = "localhost";
        options.Tls.ServerCertificateValidation = certificates.ServerCertificateValidationCallback;
        options.Tls.ClientCertificate = requireClientCertificate ? certificates.ClientCertificate : null;
        options.ThrowOnError = true;
        await using var client = new MemcachedClient(options);

        for (int i = 0; i < 50; i++)
        {
            Assert.True(await client.SetAsync("tls:" + i, "secret " + i));
        }

        var found = await client.GetManyAsync<string>(Enumerable.Range(0, 50).Select(i => "tls:" + i));
        Assert.Equal(50, found.Count);
        Assert.Equal("secret 7", found["tls:7"]);
        // The other connections open in the background: each must complete its own TLS handshake (a resumed
        // session would be refused by memcached when it requires a client certificate).
        for (int i = 0; i < 250 && client.GetServerStatuses()[0].OpenConnections < 3; i++)
        {
            await client.GetAsync<string>("tls:" + (i % 50));
            await Task.Delay(20);
        }

        Assert.Equal(3, client.GetServerStatuses()[0].OpenConnections);
        Assert.Equal(0, client.GetServerStatuses()[0].ConsecutiveFailures);
    }

    [Fact]
    public async Task Tls_UntrustedServerCertificate_FailsWithClearError()
    {
        using var certificates = TestCertificates.Create();
        await using var server = await MemcachedProcess.StartAsync(new MemcachedProcessOptions { Tls = certificates });
        var options = new MemcachedClientOptions { ThrowOnError = true };
        options.Servers.Add(server.Address);
        options.Tls.Enabled = true;
        await using var client = new MemcachedClient(options);

        var error = await Assert.ThrowsAsync<MemcachedException>(async () => await client.SetAsync("k", "v"));
        Assert.Contains("TLS handshake", error.InnerException?.Message ?? error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auth_RightCredentials_Work()
    {
        await using var server = await MemcachedProcess.StartAsync(new MemcachedProcessOptions { AuthFileEntries = ["app:s3cret-pass"] });
        var options = new MemcachedClientOptions { Username = "app", Password = "s3cret-pass", ThrowOnError = true };
        options.Servers.Add(server.Address);
        await using var client = new MemcachedClient(options);

        Assert.True(await client.SetAsync("k", "v"));
        Assert.Equal("v", await client.GetAsync<string>("k"));
    }

    [Fact]
    public async Task Auth_WrongPassword_ClearErrorThatNeverContainsThePassword()
    {
        await using var server = await MemcachedProcess.StartAsync(new MemcachedProcessOptions { AuthFileEntries = ["app:s3cret-pass"] });
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var options = new MemcachedClientOptions { Username = "app", Password = "wrong-pass-123", ThrowOnError = true };
        options.Servers.Add(server.Address);
        await using var client = new MemcachedClient(options, loggerFactory);

        var error = await Assert.ThrowsAsync<MemcachedException>(async () => await client.SetAsync("k", "v"));
        var inner = Assert.IsType<MemcachedAuthenticationException>(error.InnerException);
        Assert.Contains("rejected the credentials", inner.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'app'", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-pass-123", error.ToString(), StringComparison.Ordinal);
        Assert.NotEmpty(logs.Messages);
        Assert.All(logs.Messages, m => Assert.DoesNotContain("wrong-pass-123", m, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Auth_MissingCredentials_SaysTheServerRequiresALogin()
    {
        await using var server = await MemcachedProcess.StartAsync(new MemcachedProcessOptions { AuthFileEntries = ["app:s3cret-pass"] });
        var options = new MemcachedClientOptions { ThrowOnError = true };
        options.Servers.Add(server.Address);
        await using var client = new MemcachedClient(options);

        var error = await Assert.ThrowsAsync<MemcachedException>(async () => await client.GetAsync<string>("k"));
        Assert.Contains("requires a login", error.InnerException?.Message ?? error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnixSocket_RealServer_RoundTrips()
    {
        await using var server = await MemcachedProcess.StartAsync(new MemcachedProcessOptions { UnixSocket = true });
        var options = new MemcachedClientOptions { ThrowOnError = true };
        options.Servers.Add(server.Address);
        await using var client = new MemcachedClient(options);

        Assert.True(await client.SetAsync("unix", "socket"));
        Assert.Equal("socket", await client.GetAsync<string>("unix"));
    }
}
