using FragmentCache.Mvc.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FragmentCache.Mvc.Tests;

/// <summary>
/// <see cref="FragmentCacheMvcOptions"/> and <see cref="PageCacheOptions"/> are bound from the section the
/// application passed to <c>AddFragmentCache</c> and validated at startup, the message naming the setting's path.
/// </summary>
public sealed class MvcOptionsConfigurationTests
{
    public static TheoryData<string, string, string> InvalidSettings => new()
    {
        { "FragmentCache:Mvc:MaxFragmentSize", "-1", "FragmentCache:Mvc:MaxFragmentSize must be positive (was -1)." },
        { "FragmentCache:Mvc:MaxFragmentSize", "0", "FragmentCache:Mvc:MaxFragmentSize must be positive (was 0)." },
        { "FragmentCache:Mvc:CacheStatusHeader", "X Cache", "FragmentCache:Mvc:CacheStatusHeader must be a header name" },
        { "FragmentCache:Mvc:Profiles:short:Duration", "-00:00:05", "FragmentCache:Mvc:Profiles:short:Duration must not be negative (was -00:00:05)." },
        { "FragmentCache:Mvc:Profiles:short:Vary:Headers:0", " ", "FragmentCache:Mvc:Profiles:short:Vary:Headers:0 must not be empty" },
        { "FragmentCache:Mvc:Profiles:short:Tags:0", " ", "FragmentCache:Mvc:Profiles:short:Tags:0 must not be empty" },
        { "FragmentCache:Pages:DefaultDuration", "-00:01:00", "FragmentCache:Pages:DefaultDuration must be positive (was -00:01:00)." },
        { "FragmentCache:Pages:DefaultDuration", "00:00:00", "FragmentCache:Pages:DefaultDuration must be positive (was 00:00:00)." },
        { "FragmentCache:Pages:MaxDuration", "-00:00:01", "FragmentCache:Pages:MaxDuration must be positive (was -00:00:01)." },
        { "FragmentCache:Pages:MaxBodySize", "-5", "FragmentCache:Pages:MaxBodySize must be positive (was -5)." },
        // A name no setting answers to, which the binder alone would ignore.
        { "FragmentCache:Mvc:MaxFragmentSise", "5000", "not found on the instance of FragmentCache.Mvc.FragmentCacheMvcOptions: 'MaxFragmentSise'" },
        { "FragmentCache:Mvc:Profiles:short:Durration", "00:00:30", "not found on the instance of FragmentCache.Mvc.CacheProfile: 'Durration'" },
        { "FragmentCache:Pages:MaxBodySise", "5000", "not found on the instance of FragmentCache.Mvc.PageCacheOptions: 'MaxBodySise'" },
        { "FragmentCache:Page:MaxBodySize", "5000", "FragmentCache:Page is not a setting; nothing reads it. Did you mean 'Pages'?" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public async Task Startup_InvalidSetting_FailsNamingItsPathAndValue(string key, string value, string message)
    {
        await using var app = new ConfiguredAppFactory("Development", new Dictionary<string, string> { [key] = value });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Startup_ValidSettings_BindFromFragmentCacheSection()
    {
        await using var app = new ConfiguredAppFactory("Development", new Dictionary<string, string>
        {
            ["FragmentCache:Mvc:MaxFragmentSize"] = "4321",
            ["FragmentCache:Pages:MaxBodySize"] = "8765",
            ["FragmentCache:Pages:DefaultDuration"] = "00:03:00",
        });
        _ = app.CreateClient();

        Assert.Equal(4321, app.Services.GetRequiredService<IOptions<FragmentCacheMvcOptions>>().Value.MaxFragmentSize);
        var pages = app.Services.GetRequiredService<IOptions<PageCacheOptions>>().Value;
        Assert.Equal(8765, pages.MaxBodySize);
        Assert.Equal(TimeSpan.FromMinutes(3), pages.DefaultDuration);

        // The code-configured profile of the test app is kept alongside what configuration bound.
        Assert.True(app.Services.GetRequiredService<IOptions<FragmentCacheMvcOptions>>().Value.Profiles.ContainsKey("sidebar"));
    }

    private static async Task<WebApplication> StartAsync(Dictionary<string, string?> settings, Action<IServiceCollection, IConfiguration> register)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(settings);
        register(builder.Services, builder.Configuration);
        var app = builder.Build();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }

    private static readonly Dictionary<string, string?> CachingSection = new()
    {
        ["Caching:Mvc:MaxFragmentSize"] = "1234",
        ["Caching:Mvc:Profiles:short:Duration"] = "00:00:30",
        ["Caching:Pages:MaxBodySize"] = "777",
        ["Caching:Pages:KeyPrefix"] = "site-b",

        // Not the section the application passed: ignored.
        ["FragmentCache:Mvc:MaxFragmentSize"] = "999",
        ["FragmentCache:Pages:MaxBodySize"] = "999",
    };

    [Fact]
    public async Task AddFragmentCache_CustomSection_MvcAndPagesBindFromItsChildren()
    {
        await using var app = await StartAsync(CachingSection, (services, configuration) =>
        {
            services.AddFragmentCache(configuration.GetSection("Caching"));
            services.AddFragmentCacheMvc();
        });

        AssertBoundFromCaching(app.Services);
    }

    [Fact]
    public async Task AddFragmentCacheMvc_CalledFirst_StillBindsFromTheSectionPassedLater()
    {
        await using var app = await StartAsync(CachingSection, (services, configuration) =>
        {
            services.AddFragmentCacheMvc();
            services.AddFragmentCache(configuration.GetSection("Caching"));
        });

        AssertBoundFromCaching(app.Services);
    }

    [Fact]
    public async Task AddFragmentCache_ConfiguredInCode_MvcAndPagesBindFromFragmentCache()
    {
        await using var app = await StartAsync(CachingSection, (services, _) =>
        {
            services.AddFragmentCache(_ => { });
            services.AddFragmentCacheMvc();
        });

        Assert.Equal(999, app.Services.GetRequiredService<IOptions<FragmentCacheMvcOptions>>().Value.MaxFragmentSize);
        Assert.Equal(999, app.Services.GetRequiredService<IOptions<PageCacheOptions>>().Value.MaxBodySize);
    }

    [Fact]
    public async Task AddFragmentCache_CustomSectionInvalidSetting_FailsNamingThatSection()
    {
        var settings = new Dictionary<string, string?>(CachingSection) { ["Caching:Pages:MaxBodySize"] = "0" };
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () => await StartAsync(settings, (services, configuration) =>
        {
            services.AddFragmentCacheMvc();
            services.AddFragmentCache(configuration.GetSection("Caching"));
        }));

        Assert.Contains("Caching:Pages:MaxBodySize must be positive (was 0).", error.Message, StringComparison.Ordinal);
    }

    private static void AssertBoundFromCaching(IServiceProvider services)
    {
        var mvc = services.GetRequiredService<IOptions<FragmentCacheMvcOptions>>().Value;
        Assert.Equal(1234, mvc.MaxFragmentSize);
        Assert.Equal(TimeSpan.FromSeconds(30), mvc.Profiles["short"].Duration);
        var pages = services.GetRequiredService<IOptions<PageCacheOptions>>().Value;
        Assert.Equal(777, pages.MaxBodySize);
        Assert.Equal("site-b", pages.KeyPrefix);
    }
}
