using System.Net;
using System.Text.RegularExpressions;
using FragmentCache.Mvc.Tests.Infrastructure;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Tests.Fragments;

/// <summary>
/// A fragment holding a form issues each visitor's antiforgery token: it is served and never stored, so every visitor
/// gets a token and cookie of their own and their post passes.
/// </summary>
public sealed partial class FragmentAntiforgeryTests
{
    private const string FormView = "/Views/FragmentRules/Form.cshtml";

    [Theory]
    [InlineData("/FragmentRules/Form", "html-form", "form-html", FormView)]
    [InlineData("/FragmentRules/Form", "tag-form", "form-tag", FormView)]
    [InlineData("/FragmentRules/Component/1", "comp-form", "comp-form", null)]
    [InlineData("/FragmentRules/FormAfterForm", "after-form", "form-after", "/Views/FragmentRules/FormAfterForm.cshtml")]
    [InlineData("/FragmentRules/FormAfterForm", "late-comp-form", "comp-late-form", null)]
    public async Task FormInFragment_TwoVisitors_EachGetsOwnTokenAndCookieAndPostPasses(string page, string formId, string fragment, string? view)
    {
        CapturingLoggerProvider? logs = null;
        var (factory, _) = TestAppFactory.Create(services => logs = LogCapture.AddTo(services));
        await using var _f = factory;
        var alice = factory.CreateClient();
        var bob = factory.CreateClient();

        var (aliceGet, aliceBody) = await alice.SendAsync(page);
        var (bobGet, bobBody) = await bob.SendAsync(page);
        var (_, aliceAgain) = await alice.SendAsync(page);
        var aliceToken = Token(aliceBody, formId);
        var bobToken = Token(bobBody, formId);

        Assert.NotEqual(aliceToken, bobToken);
        Assert.Contains(aliceGet.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        Assert.Contains(bobGet.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        Assert.Equal(3, factory.Counter.Count(fragment));
        Assert.NotEqual(aliceToken, Token(aliceAgain, formId));

        Assert.Equal(("posted", HttpStatusCode.OK), await PostAsync(alice, aliceToken));
        Assert.Equal(("posted", HttpStatusCode.OK), await PostAsync(bob, bobToken));
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(bob, aliceToken)).Status);

        Assert.False(await IsStoredAsync(factory, fragment, view));
        var logged = Assert.Single(logs!.WithEvent(131), line => line.Contains("'" + fragment + "'", StringComparison.Ordinal));
        Assert.StartsWith("Warning 131 ", logged);
    }

    [Fact]
    public async Task FormInFragment_RealMemcachedTwoHosts_NeverStoredAndEachVisitorPosts()
    {
        await using var memcached = await MemcachedProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var server = "127.0.0.1:" + memcached.Port;
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestAppFactory.Start);
        await using var one = new TestAppFactory(server, time);
        await using var two = new TestAppFactory(server, time);
        var alice = one.CreateClient();
        var bob = two.CreateClient();

        var (_, aliceBody) = await alice.SendAsync("/FragmentRules/Form");
        var (_, bobBody) = await bob.SendAsync("/FragmentRules/Form");

        Assert.NotEqual(Token(aliceBody, "html-form"), Token(bobBody, "html-form"));
        Assert.Contains("[form-none:1]", aliceBody);
        Assert.Contains("[form-none:1]", bobBody);
        Assert.Equal(0, two.Counter.Count("form-none"));
        Assert.Equal(1, two.Counter.Count("form-html"));
        Assert.Equal(("posted", HttpStatusCode.OK), await PostAsync(alice, Token(aliceBody, "html-form")));
        Assert.Equal(("posted", HttpStatusCode.OK), await PostAsync(bob, Token(bobBody, "tag-form")));
        Assert.False(await IsStoredAsync(two, "form-html", FormView));
        Assert.False(await IsStoredAsync(two, "form-tag", FormView));
        Assert.True(await IsStoredAsync(two, "form-none", FormView));
    }

    [Fact]
    public async Task FragmentWithoutForm_BesideFormFragments_IsStoredAndHit()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();

        await client.SendAsync("/FragmentRules/Form");
        var (_, body) = await client.SendAsync("/FragmentRules/Form");

        Assert.Contains("[form-none:1]", body);
        Assert.True(await IsStoredAsync(factory, "form-none", FormView));
    }

    /// <summary>Whether the fragment is in the store: deleting it through its key reports whether it was there.</summary>
    private static async Task<bool> IsStoredAsync(TestAppFactory factory, string fragment, string? view)
    {
        var keys = factory.Services.GetRequiredService<TemplateFragmentKeys>();
        var cache = factory.Services.GetRequiredService<IFragmentCache>();
        return await cache.InvalidateFragmentAsync(keys.For(fragment, viewPath: view), cancellationToken: TestContext.Current.CancellationToken);
    }

    private static string Token(string body, string formId)
    {
        var form = Regex.Match(body, "<form[^>]*id=\"" + formId + "\"[^>]*>(.*?)</form>", RegexOptions.Singleline);
        Assert.True(form.Success, $"no form {formId} in: {body}");
        var token = TokenInput().Match(form.Groups[1].Value);
        Assert.True(token.Success, $"no antiforgery token in form {formId}: {form.Value}");
        return token.Groups[1].Value;
    }

    private static async Task<(string Body, HttpStatusCode Status)> PostAsync(HttpClient client, string token)
    {
        using var content = new FormUrlEncodedContent([new KeyValuePair<string, string>("__RequestVerificationToken", token)]);
        using var response = await client.PostAsync("/FragmentRules/Form", content, TestContext.Current.CancellationToken);
        return (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), response.StatusCode);
    }

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();
}
