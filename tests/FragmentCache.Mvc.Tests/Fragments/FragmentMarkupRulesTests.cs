using System.Net;
using FragmentCache.Mvc.Tests.Infrastructure;
using FragmentCache.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Tests.Fragments;

/// <summary>Mistakes in a <c>&lt;memcache-fragment&gt;</c> tag fail loudly instead of caching with defaults.</summary>
public sealed class FragmentMarkupRulesTests
{
    [Fact]
    public async Task UnknownAttribute_Development_ErrorNamesFragmentAttributeAndClosestName()
    {
        var (factory, store) = TestAppFactory.Create();
        await using var _f = factory;

        var (response, body) = await factory.CreateClient().SendAsync("/FragmentRules/Typo");

        var text = WebUtility.HtmlDecode(body);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("<memcache-fragment name=\"typo\">: unknown attribute 'expire-after' (did you mean 'expires-after'?)", text);
        Assert.Equal(0, factory.Counter.Count("typo"));
        Assert.Equal(0, store.Sets);
    }

    [Fact]
    public async Task UnknownAttribute_Production_CachedAndWarnedOncePerFragmentAndAttribute()
    {
        CapturingLoggerProvider? logs = null;
        var (factory, _) = TestAppFactory.Create(services => logs = LogCapture.AddTo(services));
        await using var _f = factory;
        await using var production = factory.WithWebHostBuilder(b => b.UseEnvironment("Production"));
        var client = production.CreateClient();

        var (first, body1) = await client.SendAsync("/FragmentRules/Typo");
        var (second, body2) = await client.SendAsync("/FragmentRules/Typo");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("<main>[typo:1]</main>", body1.Trim());
        Assert.Equal(body1, body2);
        var warnings = logs!.WithEvent(130);
        var warning = Assert.Single(warnings);
        Assert.StartsWith("Warning 130 ", warning);
        Assert.Contains("'typo'", warning);
        Assert.Contains("'expire-after'", warning);
        Assert.Contains("expires-after", warning);
    }

    [Theory]
    [InlineData("/FragmentRules/Negative", "<memcache-fragment name=\"negative\">: expires-after is negative (-00:00:30)")]
    [InlineData("/FragmentRules/Negative?sliding=true", "<memcache-fragment name=\"negative-sliding\">: expires-sliding is negative (-00:01:00)")]
    public async Task NegativeExpiry_IsAnErrorNamingTheFragment(string url, string message)
    {
        var (factory, store) = TestAppFactory.Create();
        await using var _f = factory;

        var (response, body) = await factory.CreateClient().SendAsync(url);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains(message, WebUtility.HtmlDecode(body));
        Assert.Equal(0, store.Sets);
    }

    [Fact]
    public async Task FragmentWithoutUnknownAttributes_NoWarning()
    {
        CapturingLoggerProvider? logs = null;
        var (factory, _) = TestAppFactory.Create(services => logs = LogCapture.AddTo(services));
        await using var _f = factory;
        await using var production = factory.WithWebHostBuilder(b => b.UseEnvironment("Production"));

        var (response, _) = await production.CreateClient().SendAsync("/Fragments/Features");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(logs!.WithEvent(130));
    }
}
