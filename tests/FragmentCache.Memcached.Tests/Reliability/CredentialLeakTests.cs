using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FragmentCache.Memcached;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace FragmentCache.Tests.Reliability;

/// <summary>
/// Memcached credentials - the ASCII auth username and password, a TLS client key - never appear in logs (captured
/// at Trace), exception messages or <c>ToString()</c> of options, statuses and exceptions, across connect failures,
/// auth failures and timeouts.
/// </summary>
public sealed class CredentialLeakTests
{
    private const string Username = "svc-user-Q7x2";
    private const string Password = "pw-Zr9kLm4tWq";

    private static MemcachedClientOptions Options(string address, bool throwOnError, string password = Password)
    {
        var options = new MemcachedClientOptions
        {
            Username = Username,
            Password = password,
            ThrowOnError = throwOnError,
            ConnectTimeout = TimeSpan.FromMilliseconds(300),
            OperationTimeout = TimeSpan.FromMilliseconds(200),
            BreakDuration = TimeSpan.FromMilliseconds(50),
        };
        options.Servers.Add(address);
        return options;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Operations_ConnectionRefused_NoCredentialsInLogsOrErrors(bool throwOnError)
    {
        var seen = await ExerciseAsync(Options("127.0.0.1:" + FreePort.Next().ToString(CultureInfo.InvariantCulture), throwOnError));

        AssertNoSecret(seen, Username, Password);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Operations_WrongPassword_NoCredentialsInLogsOrErrors(bool throwOnError)
    {
        await using var server = await MemcachedProcess.StartAsync(new MemcachedProcessOptions { AuthFileEntries = [$"{Username}:{Password}"] });

        var seen = await ExerciseAsync(Options(server.Address, throwOnError, password: "wrong-" + Password));

        Assert.Contains(seen, s => s.Contains("credentials", StringComparison.Ordinal)); // the failure is reported...
        AssertNoSecret(seen, Username, Password, "wrong-" + Password); // ...without the login
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Operations_StalledDuringLoginAndAfter_NoCredentialsInLogsOrErrors(bool throwOnError)
    {
        await using var server = await MemcachedProcess.StartAsync(new MemcachedProcessOptions { AuthFileEntries = [$"{Username}:{Password}"] });
        await using var proxy = new FaultProxy(server);
        var options = Options(proxy.Address, throwOnError);

        proxy.Stall(clientToServerToo: true); // the login itself times out
        var seen = await ExerciseAsync(options);
        proxy.Resume();

        AssertNoSecret(seen, Username, Password);
    }

    [Fact]
    public void Validation_InvalidCredentials_MessageNamesTheSettingNotTheValue()
    {
        var options = new MemcachedClientOptions { Username = "bad " + Username, Password = "bad " + Password };
        options.Servers.Add("127.0.0.1:11211");

        var error = Record.Exception(() => new MemcachedClient(options));

        Assert.NotNull(error);
        Assert.Contains("Username", error.Message, StringComparison.Ordinal);
        AssertNoSecret([error.ToString(), options.ToString()!, options.Tls.ToString()!], Username, Password);
    }

    [Fact]
    public async Task Tls_ClientKeyRejectedOrUntrusted_KeyNeverInLogsOrErrors()
    {
        using var certificates = TestCertificates.Create();
        await using var server = await MemcachedProcess.StartAsync(new MemcachedProcessOptions { Tls = certificates, RequireClientCertificate = true });
        var keyPem = await File.ReadAllTextAsync(certificates.ClientKeyPemPath, TestContext.Current.CancellationToken);
        using var key = certificates.ClientCertificate.GetRSAPrivateKey() as AsymmetricAlgorithm ?? certificates.ClientCertificate.GetECDsaPrivateKey();
        Assert.NotNull(key);
        var secrets = new List<string> { Username, Password };
        // Any 40-character run of the key's PEM body, and its raw PKCS#8 bytes in base64 and hex.
        var body = string.Concat(keyPem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)).Select(l => l.Trim()));
        secrets.AddRange(Enumerable.Range(0, body.Length / 40).Select(i => body.Substring(i * 40, 40)));
        var pkcs8 = key!.ExportPkcs8PrivateKey();
        secrets.Add(Convert.ToBase64String(pkcs8)[..40]);
        secrets.Add(Convert.ToHexString(pkcs8)[..40]);

        // Untrusted server certificate (no validation callback), then a trusted server with the wrong client key.
        var untrusted = Options(server.Address, throwOnError: true);
        untrusted.Username = null;
        untrusted.Password = null;
        untrusted.Tls.Enabled = true;
        untrusted.Tls.TargetHost = "localhost";
        untrusted.Tls.ClientCertificate = certificates.ClientCertificate;
        var seen = await ExerciseAsync(untrusted);

        using var other = TestCertificates.Create();
        var wrongKey = Options(server.Address, throwOnError: true);
        wrongKey.Username = null;
        wrongKey.Password = null;
        wrongKey.Tls.Enabled = true;
        wrongKey.Tls.TargetHost = "localhost";
        wrongKey.Tls.ServerCertificateValidation = certificates.ServerCertificateValidationCallback;
        wrongKey.Tls.ClientCertificate = other.ClientCertificate;
        seen.AddRange(await ExerciseAsync(wrongKey));

        Assert.Contains(seen, s => s.Contains("TLS", StringComparison.Ordinal));
        AssertNoSecret(seen, [.. secrets]);
    }

    /// <summary>Runs each kind of operation, and returns every log line, exception text and status it produced.</summary>
    private static async Task<List<string>> ExerciseAsync(MemcachedClientOptions options)
    {
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var seen = new List<string> { options.ToString()!, options.Tls.ToString()! };
        await using (var client = new MemcachedClient(options, loggerFactory))
        {
            var operations = new Func<Task>[]
            {
                () => client.GetAsync<string>("k").AsTask(),
                () => client.SetAsync("k", "v").AsTask(),
                () => client.GetManyAsync<string>(["a", "b"]),
                () => client.DeleteAsync("k").AsTask(),
                () => client.IncrementAsync("n", 1, 0).AsTask(),
                () => client.GetStatsAsync(),
                () => client.GetVersionsAsync(),
            };
            for (int round = 0; round < 3; round++)
            {
                foreach (var operation in operations)
                {
                    try
                    {
                        await operation().WaitAsync(TimeSpan.FromSeconds(5));
                    }
                    catch (Exception error) when (error is not TimeoutException)
                    {
                        seen.Add(error.ToString());
                        seen.Add(error.Message);
                    }
                }
            }

            seen.AddRange(client.GetServerStatuses().Select(s => s.ToString()));
            var health = new MemcachedHealthCheck(client);
            var report = await health.CheckHealthAsync(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext
            {
                Registration = new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration("memcached", health, null, null),
            });
            seen.Add(report.Description ?? "");
            seen.Add(report.Exception?.ToString() ?? "");
            seen.AddRange(report.Data.Select(d => $"{d.Key}={d.Value}"));
        }

        seen.AddRange(logs.Messages);
        Assert.True(seen.Count > 5, "nothing was logged or thrown: the scenario did not fail");
        return seen;
    }

    private static void AssertNoSecret(IEnumerable<string> seen, params string[] secrets)
    {
        foreach (var text in seen)
        {
            foreach (var secret in secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"a credential appeared in: {text}");
            }
        }
    }
}
