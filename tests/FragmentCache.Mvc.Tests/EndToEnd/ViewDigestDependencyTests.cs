using FragmentCache.Mvc.Internal;
using FragmentCache.Mvc.Tests.Infrastructure;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Mvc.Tests.EndToEnd;

/// <summary>
/// The view digest follows what a fragment renders, checked on two real builds of one Razor app (tests/DigestApps):
/// build B differs from build A only in the markup of the partial <c>_Sidebar</c>, the view of the component
/// <c>Popular</c>, the code of the component <c>Coded</c> and the display template <c>Int32</c>. Each view of
/// <c>Views/Home</c> holds one fragment.
/// </summary>
public sealed class ViewDigestDependencyTests
{
    /// <summary>The fragment views and whether each renders something build B changed.</summary>
    public static TheoryData<string, bool> Views => new()
    {
        { "WithSidebar", true },    // Html.PartialAsync("_Sidebar")
        { "Nested", true },         // <partial name="_Wrapper"> which renders _Sidebar
        { "WithPopular", true },    // Component.InvokeAsync("Popular"), whose view changed
        { "WithPopularTag", true }, // <vc:popular>
        { "WithCoded", true },      // Component.InvokeAsync(typeof(CodedViewComponent)), whose code changed
        { "WithTemplate", true },   // Html.Display of an int: DisplayTemplates/Int32 changed
        { "Dynamic", true },        // a partial name computed at run time: every view counts, and _Sidebar changed
        { "DynamicTag", true },     // <partial name="@footer">: the same
        { "Ternary", true },        // one of two literals, chosen at run time: the same
        { "MissingPartial", true }, // a partial that is no compiled view: the same
        { "WithFooter", false },    // <partial name="_Footer">
        { "WithStable", false },    // the Stable component by name, InvokeAsync<T>() and typeof(T)
        { "Cycle", false },         // _CycleA and _CycleB render each other
        { "Plain", false },
    };

    private static async Task<(ViewDigestProvider A, ViewDigestProvider B)> ProvidersAsync(FakeTimeProvider time)
    {
        var store = FlakyStore.CreateMemory(time);
        await using var a = await DigestAppHost.StartAsync(DigestAppHost.BuildA, time, store);
        await using var b = await DigestAppHost.StartAsync(DigestAppHost.BuildB, time, store);
        return (a.Services.GetRequiredService<ViewDigestProvider>(), b.Services.GetRequiredService<ViewDigestProvider>());
    }

    [Theory]
    [MemberData(nameof(Views))]
    public async Task GetDigest_TwoBuilds_DiffersOnlyWhereTheFragmentRendersTheChange(string view, bool changed)
    {
        var (a, b) = await ProvidersAsync(new FakeTimeProvider(TestAppFactory.Start));
        var path = "/Views/Home/" + view + ".cshtml";

        var digestA = a.GetDigest(path);
        var digestB = b.GetDigest(path);

        Assert.NotNull(digestA);
        Assert.Equal(24, digestA.Length);
        Assert.Equal(changed, digestA != digestB);
        Assert.Same(digestA, a.GetDigest(path.ToUpperInvariant())); // computed once, then looked up
    }

    [Fact]
    public async Task GetDigest_ChangedPartialItself_DiffersAndUnchangedPartialDoesNot()
    {
        var (a, b) = await ProvidersAsync(new FakeTimeProvider(TestAppFactory.Start));

        Assert.NotEqual(a.GetDigest("/Views/Shared/_Sidebar.cshtml"), b.GetDigest("/Views/Shared/_Sidebar.cshtml"));
        Assert.Equal(a.GetDigest("/Views/Shared/_Footer.cshtml"), b.GetDigest("/Views/Shared/_Footer.cshtml"));
        Assert.Equal(a.GetDigest("/Views/Shared/_CycleB.cshtml"), b.GetDigest("/Views/Shared/_CycleB.cshtml"));
    }

    [Theory]
    [InlineData("Dynamic", "a partial name computed at run time")]
    [InlineData("DynamicTag", "a <partial> name computed at run time")]
    [InlineData("Ternary", "a partial name computed at run time")]
    [InlineData("MissingPartial", "partial '_NotAView' is not a compiled view")]
    public async Task GetDigest_PartialNotResolvable_FallsBackToEveryCompiledView(string view, string reason)
    {
        var (a, b) = await ProvidersAsync(new FakeTimeProvider(TestAppFactory.Start));
        var path = "/Views/Home/" + view + ".cshtml";

        Assert.Equal(a.AllViewsDigest(), a.GetDigest(path));
        Assert.Equal(b.AllViewsDigest(), b.GetDigest(path));
        Assert.NotEqual(a.AllViewsDigest(), b.AllViewsDigest());
        Assert.Contains(reason, a.FallbackReason(path), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("WithSidebar")]
    [InlineData("Nested")]
    [InlineData("WithPopularTag")]
    [InlineData("WithStable")]
    [InlineData("WithCoded")]
    [InlineData("Cycle")]
    public async Task GetDigest_LiteralNamesOnly_DoesNotFallBack(string view)
    {
        var (a, _) = await ProvidersAsync(new FakeTimeProvider(TestAppFactory.Start));
        var path = "/Views/Home/" + view + ".cshtml";

        Assert.Null(a.FallbackReason(path));
        Assert.NotEqual(a.AllViewsDigest(), a.GetDigest(path));
    }

    [Fact]
    public async Task GetDigest_Fallback_LoggedWithViewAndReason()
    {
        var time = new FakeTimeProvider(TestAppFactory.Start);
        var logs = new CapturingLoggerProvider();
        await using var host = await DigestAppHost.StartAsync(DigestAppHost.BuildA, time, FlakyStore.CreateMemory(time), logs: logs);
        var client = host.CreateClient();

        await client.SendAsync("/Home/Show/Dynamic");
        await client.SendAsync("/Home/Show/Dynamic");
        await client.SendAsync("/Home/Show/WithSidebar");

        var fallback = Assert.Single(logs.Messages, m => m.Contains(" 140 ", StringComparison.Ordinal));
        Assert.Contains("/Views/Home/Dynamic.cshtml", fallback, StringComparison.Ordinal);
        Assert.Contains("a partial name computed at run time", fallback, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Deploy_SecondBuildOverSameCache_RendersAgainOnlyWhatChanged(bool memcached)
    {
        var time = new FakeTimeProvider(TestAppFactory.Start);
        await using var process = memcached ? await MemcachedProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken) : null;
        var store = process is null ? FlakyStore.CreateMemory(time) : null;
        var server = process is null ? null : "127.0.0.1:" + process.Port;

        var before = new Dictionary<string, string>();
        await using (var a = await DigestAppHost.StartAsync(DigestAppHost.BuildA, time, store, server))
        {
            var client = a.CreateClient();
            foreach (var view in Views)
            {
                var (_, body) = await client.SendAsync("/Home/Show/" + view.Data.Item1);
                Assert.Contains("rendered by DigestAppA", body, StringComparison.Ordinal);
                before[view.Data.Item1] = body;
            }
        }

        await using var b = await DigestAppHost.StartAsync(DigestAppHost.BuildB, time, store, server);
        var deployed = b.CreateClient();
        foreach (var view in Views)
        {
            var (name, changed) = view.Data;
            var (_, body) = await deployed.SendAsync("/Home/Show/" + name);
            if (changed)
            {
                Assert.Contains("rendered by DigestAppB", body, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal(before[name], body); // build A's fragment, served from the cache
            }
        }

        var (_, sidebar) = await deployed.SendAsync("/Home/Show/WithSidebar");
        Assert.Contains("Sidebar, build B", sidebar, StringComparison.Ordinal);
        var (_, popular) = await deployed.SendAsync("/Home/Show/WithPopularTag");
        Assert.Contains("popular-B", popular, StringComparison.Ordinal);
        var (_, template) = await deployed.SendAsync("/Home/Show/WithTemplate");
        Assert.Contains("count-B", template, StringComparison.Ordinal);
    }
}
