using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Tests.Infrastructure;

/// <summary>A test app on a real Kestrel socket (127.0.0.1, a free port), and reads of a streamed response.</summary>
internal static class KestrelHost
{
    /// <summary>The longest any read of a stream may take before the test fails (generous: a stalled box must not fail it).</summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Starts <paramref name="factory"/> on Kestrel and returns a client for its address.</summary>
    public static HttpClient Start(TestAppFactory factory)
    {
        // Listen through Kestrel's options, not UseKestrel(port): the port overload rewrites the server's address list,
        // and under load that raced with the server starting ("Addresses cannot be modified after the server has started").
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
        return new HttpClient { BaseAddress = uri, Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Sends a GET and returns once the response headers are in (the body is left to read).</summary>
    public static async Task<HttpResponseMessage> GetHeadersAsync(HttpClient client, string url)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(ReadTimeout);
        return await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
    }

    /// <summary>Reads <paramref name="body"/> until the text read so far contains <paramref name="expected"/>; fails after <see cref="ReadTimeout"/>.</summary>
    public static async Task<string> ReadUntilAsync(Stream body, string expected, StringBuilder? seen = null)
    {
        seen ??= new StringBuilder();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(ReadTimeout);
        var buffer = new byte[1024];
        while (!seen.ToString().Contains(expected, StringComparison.Ordinal))
        {
            var read = await body.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            seen.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return seen.ToString();
    }
}
