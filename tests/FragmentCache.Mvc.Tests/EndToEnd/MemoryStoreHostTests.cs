using FragmentCache.Mvc.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FragmentCache.Mvc.Tests;

/// <summary>
/// A host without <c>FragmentCache:Servers</c>: the in-memory store stays under its size limit whatever the URLs, says
/// at startup outside Development that it is per process, and with <c>RequireServers</c> the host does not start.
/// </summary>
public sealed class MemoryStoreHostTests
{
    private const int MemoryStorePerProcessEventId = 8;

    [Fact]
    public async Task CachePage_ManyDistinctUrls_MemoryStoreStaysUnderItsLimit()
    {
        const long limit = 64 * 1024;
        await using var app = new ConfiguredAppFactory("Development", new Dictionary<string, string>
        {
            ["FragmentCache:MemorySizeLimit"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var client = app.CreateClient();
        var store = Assert.IsType<MemoryCacheStore>(app.Services.GetRequiredService<ICacheStore>());

        const int urls = 600;
        for (var i = 0; i < urls; i++)
        {
            var (response, body) = await client.SendAsync("/pages/index?n=" + i);
            Assert.True(response.IsSuccessStatusCode, body);
            Assert.Equal("miss", response.Header("X-Fragment-Cache"));
            Assert.InRange(store.Size, 1, limit);
        }

        Assert.InRange(store.Count, 10, urls / 2);
        var (last, _) = await client.SendAsync("/pages/index?n=" + (urls - 1));
        Assert.Equal("hit", last.Header("X-Fragment-Cache"));
        var (first, _) = await client.SendAsync("/pages/index?n=0");
        Assert.Equal("miss", first.Header("X-Fragment-Cache"));
    }

    [Theory]
    [InlineData("Production", true)]
    [InlineData("Staging", true)]
    [InlineData("Development", false)]
    public async Task Startup_NoServers_WarnsOutsideDevelopmentOnly(string environment, bool warns)
    {
        await using var app = new ConfiguredAppFactory(environment, new Dictionary<string, string>());
        _ = app.CreateClient();

        var warnings = app.Logs.Entries.Where(e => e.Id.Id == MemoryStorePerProcessEventId && e.Category.StartsWith("FragmentCache", StringComparison.Ordinal)).ToList();
        if (warns)
        {
            var warning = Assert.Single(warnings);
            Assert.Equal(LogLevel.Warning, warning.Level);
            Assert.Contains(environment, warning.Message, StringComparison.Ordinal);
            Assert.Contains("FragmentCache:Servers", warning.Message, StringComparison.Ordinal);
            Assert.Contains("104857600", warning.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(warnings);
        }

        // The one information line about the store comes in every environment.
        Assert.Single(app.Logs.Entries, e => e.Id.Id == 1 && e.Category.StartsWith("FragmentCache", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Startup_RequireServersWithoutServers_FailsNamingTheSetting()
    {
        await using var app = new ConfiguredAppFactory("Production", new Dictionary<string, string>
        {
            ["FragmentCache:RequireServers"] = "true",
        });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        Assert.Contains("FragmentCache:Servers is empty and FragmentCache:RequireServers is true", error.ToString(), StringComparison.Ordinal);
    }
}
