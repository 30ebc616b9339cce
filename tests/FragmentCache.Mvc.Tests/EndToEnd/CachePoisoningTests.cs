using FragmentCache.Mvc.Tests.Infrastructure;

namespace FragmentCache.Mvc.Tests.EndToEnd;

/// <summary>
/// Unkeyed inputs must not let one client poison a cached page for others. The host a page was rendered for is
/// part of its key, whether it came from the Host header or, behind a trusted proxy, from X-Forwarded-Host.
/// </summary>
public sealed class CachePoisoningTests
{
    [Theory]
    [InlineData("Host")]
    [InlineData("X-Forwarded-Host")]
    public async Task CachePage_AttackerHost_NeverServedToOtherClients(string header)
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();

        var (_, poisoned) = await client.SendAsync("/Pages/Host", (header, "evil.example"));
        var (_, normal) = await client.SendAsync("/Pages/Host");
        var (_, again) = await client.SendAsync("/Pages/Host");
        var (_, attackerAgain) = await client.SendAsync("/Pages/Host", (header, "evil.example"));

        Assert.Contains("https://evil.example/login", poisoned, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", normal, StringComparison.Ordinal);
        Assert.Equal(normal, again);
        Assert.Equal(poisoned, attackerAgain);
        // Two hosts, two renders: each cached under its own key.
        Assert.Equal(2, factory.Counter.Count("pages-host"));
    }
}
