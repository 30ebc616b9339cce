using System.Diagnostics;
using System.Net;
using FragmentCache.Memcached;
using FragmentCache.Mvc.TestApp.Services;
using FragmentCache.OpenTelemetry.Tests.Infrastructure;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.OpenTelemetry.Tests;

/// <summary>
/// The spans of real requests to the MVC test app on a real memcached (or a dead one), through
/// <c>AddFragmentCacheInstrumentation()</c> and OpenTelemetry's in-memory exporter.
/// </summary>
public sealed class FragmentCacheTracingTests
{
    /// <summary>The conventional route of the test app's controllers, the page span's <c>http.route</c>.</summary>
    private const string Route = "{controller=Fragments}/{action=Index}/{id?}";

    private const string PageSpanName = "page /" + Route;

    private static readonly string[] MemcachedAttributes = ["db.operation.name", "db.system.name", "server.address", "server.port"];

    [Fact]
    public async Task FragmentHit_SpanPerFragment_WithOutcomeAndMemcachedGetBelow()
    {
        await using var memcached = await MemcachedProcess.StartAsync();
        await using var factory = new TracedAppFactory(memcached.Address);
        var client = factory.CreateClient();

        var first = await client.GetStringAsync("/Traced/Fragments", TestContext.Current.CancellationToken);
        await WaitForAsync(factory, s => s.DisplayName == "fragment traced-shared");
        factory.Spans.Clear();
        var second = await client.GetStringAsync("/Traced/Fragments", TestContext.Current.CancellationToken);

        Assert.Equal(first, second);
        var basic = await WaitForAsync(factory, s => s.DisplayName == "fragment traced-basic");
        var shared = await WaitForAsync(factory, s => s.DisplayName == "fragment traced-shared");
        var spans = factory.Spans.Snapshot();
        TraceOutput.Write("fragment hits", SpanTree.Print(spans, basic) + SpanTree.Print(spans, shared));

        Assert.Equal(FragmentCacheTelemetry.ActivitySourceName, basic.Source.Name);
        Assert.Equal(ActivityKind.Internal, basic.Kind);
        Assert.Equal(ActivityStatusCode.Unset, basic.Status);
        Assert.Equal("traced-basic", basic.GetTagItem("fragmentcache.fragment.name"));
        Assert.Equal("hit", basic.GetTagItem("fragmentcache.outcome"));
        Assert.Null(basic.GetTagItem("fragmentcache.store.name"));
        var get = Assert.Single(SpanTree.ChildrenOf(spans, basic));
        AssertMemcachedSpan(get, "get", memcached.Port);

        Assert.Equal("traced-shared", shared.GetTagItem("fragmentcache.fragment.name"));
        Assert.Equal("hit", shared.GetTagItem("fragmentcache.outcome"));
        Assert.Equal("shared", shared.GetTagItem("fragmentcache.store.name"));
    }

    [Fact]
    public async Task PageMiss_PageSpanHoldsBothFragmentSpans_WhichHoldTheirMemcachedOperations()
    {
        await using var memcached = await MemcachedProcess.StartAsync();
        await using var factory = new TracedAppFactory(memcached.Address);
        var client = factory.CreateClient();

        var body = await client.GetStringAsync("/Traced/Page", TestContext.Current.CancellationToken);

        Assert.Contains("[header:1]", body);
        Assert.Contains("[list:1]", body);
        var page = await WaitForAsync(factory, s => s.DisplayName == PageSpanName);
        // Below the request's span (ASP.NET Core's instrumentation).
        var request = await WaitForAsync(factory, s => s.SpanId == page.ParentSpanId);
        var spans = factory.Spans.Snapshot();
        TraceOutput.Write("page miss", SpanTree.Print(spans, request));

        Assert.Equal(ActivityKind.Server, request.Kind);
        Assert.Equal(FragmentCacheTelemetry.ActivitySourceName, page.Source.Name);
        Assert.Equal(ActivityKind.Internal, page.Kind);
        Assert.Equal("miss", page.GetTagItem("fragmentcache.outcome"));
        Assert.Equal(Route, page.GetTagItem("http.route"));
        var children = SpanTree.ChildrenOf(spans, page);
        // The page's own lookup is the page span: its get and set are the page's children, no "fragment page ..." span.
        Assert.DoesNotContain(children, s => s.DisplayName.StartsWith("fragment page", StringComparison.Ordinal));
        Assert.Contains(children, s => s.DisplayName == "get" && s.Source.Name == MemcachedTelemetry.ActivitySourceName);
        Assert.Contains(children, s => s.DisplayName == "set" && s.Source.Name == MemcachedTelemetry.ActivitySourceName);

        var fragments = children.Where(s => s.Source.Name == FragmentCacheTelemetry.ActivitySourceName).ToArray();
        Assert.Equal(["fragment traced-header", "fragment traced-list"], fragments.Select(s => s.DisplayName).Order());
        foreach (var fragment in fragments)
        {
            Assert.Equal(ActivityKind.Internal, fragment.Kind);
            Assert.Equal("miss", fragment.GetTagItem("fragmentcache.outcome"));
            Assert.Equal(fragment.DisplayName["fragment ".Length..], fragment.GetTagItem("fragmentcache.fragment.name"));
            Assert.True(fragment.StartTimeUtc >= page.StartTimeUtc && fragment.StartTimeUtc + fragment.Duration <= page.StartTimeUtc + page.Duration);
            var operations = SpanTree.ChildrenOf(spans, fragment);
            Assert.Contains(operations, s => s.DisplayName == "get");
            Assert.Contains(operations, s => s.DisplayName == "set");
        }

        var memcachedSpans = SpanTree.DescendantsOf(spans, page).Where(s => s.Source.Name == MemcachedTelemetry.ActivitySourceName).ToArray();
        Assert.True(memcachedSpans.Length >= 4, $"{memcachedSpans.Length} memcached spans");
        Assert.All(memcachedSpans, s => AssertMemcachedSpan(s, s.DisplayName, memcached.Port));

        // The same page again: a hit, answered by one get, nothing rendered.
        factory.Spans.Clear();
        Assert.Equal(body, await client.GetStringAsync("/Traced/Page", TestContext.Current.CancellationToken));
        var hit = await WaitForAsync(factory, s => s.DisplayName == PageSpanName);
        request = await WaitForAsync(factory, s => s.SpanId == hit.ParentSpanId);
        spans = factory.Spans.Snapshot();
        TraceOutput.Write("page hit", SpanTree.Print(spans, request));
        Assert.Equal("hit", hit.GetTagItem("fragmentcache.outcome"));
        var reads = SpanTree.ChildrenOf(spans, hit);
        Assert.NotEmpty(reads);
        Assert.All(reads, s => AssertMemcachedSpan(s, "get", memcached.Port));
    }

    [Fact]
    public async Task DeadServer_MemcachedSpansCarryErrorType_AndThePageIsServed()
    {
        var port = FreePort.Next();
        await using var factory = new TracedAppFactory("127.0.0.1:" + port);
        var client = factory.CreateClient();

        var response = await client.GetAsync("/Traced/Page", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("[header:1]", body);
        Assert.Contains("[list:1]", body);
        var page = await WaitForAsync(factory, s => s.DisplayName == PageSpanName);
        var request = await WaitForAsync(factory, s => s.SpanId == page.ParentSpanId);
        var spans = factory.Spans.Snapshot();
        TraceOutput.Write("dead server", SpanTree.Print(spans, request));

        Assert.Equal("miss", page.GetTagItem("fragmentcache.outcome"));
        Assert.Equal(ActivityStatusCode.Unset, page.Status);
        var fragments = SpanTree.ChildrenOf(spans, page).Where(s => s.Source.Name == FragmentCacheTelemetry.ActivitySourceName).ToArray();
        Assert.Equal(2, fragments.Length);
        Assert.All(fragments, f => Assert.Equal("miss", f.GetTagItem("fragmentcache.outcome")));
        Assert.All(fragments, f => Assert.Equal(ActivityStatusCode.Unset, f.Status));
        var failed = SpanTree.DescendantsOf(spans, page).Where(s => s.Source.Name == MemcachedTelemetry.ActivitySourceName).ToArray();
        Assert.NotEmpty(failed);
        Assert.Contains(SpanTree.ChildrenOf(spans, page), s => s.DisplayName == "get" && s.Source.Name == MemcachedTelemetry.ActivitySourceName);
        Assert.All(fragments, f => Assert.Contains(SpanTree.ChildrenOf(spans, f), s => s.DisplayName == "get"));
        foreach (var span in failed)
        {
            Assert.Equal(ActivityKind.Client, span.Kind);
            Assert.Equal(ActivityStatusCode.Error, span.Status);
            Assert.Equal("connection_refused", span.GetTagItem("error.type"));
            Assert.Equal("memcached", span.GetTagItem("db.system.name"));
            Assert.Equal("127.0.0.1", span.GetTagItem("server.address"));
            Assert.Equal(port, span.GetTagItem("server.port"));
        }

        // The error counter says the same, per operation and server.
        factory.CollectMetrics();
        var errors = factory.Metrics.Snapshot().Where(m => m.Name == "fragmentcache.memcached.errors").SelectMany(m => m.MetricPoints).ToArray();
        Assert.NotEmpty(errors);
        var getErrors = Assert.Single(errors, p => Tags(p)["db.operation.name"] as string == "get");
        Assert.True(getErrors.GetSumLong() > 0);
        Assert.Equal(
            new Dictionary<string, object?> { ["db.system.name"] = "memcached", ["db.operation.name"] = "get", ["server.address"] = "127.0.0.1", ["server.port"] = port, ["error.type"] = "connection_refused" },
            Tags(getErrors));
    }

    [Fact]
    public async Task MinimalApiPage_MissThenHit_PageSpanNamedByTemplate()
    {
        await using var memcached = await MemcachedProcess.StartAsync();
        await using var factory = new TracedAppFactory(memcached.Address);
        var client = factory.CreateClient();

        var first = await client.GetStringAsync("/min/json/7", TestContext.Current.CancellationToken);
        var miss = await WaitForAsync(factory, s => s.DisplayName == "page /min/json/{id:int}");
        factory.Spans.Clear();
        Assert.Equal(first, await client.GetStringAsync("/min/json/7", TestContext.Current.CancellationToken));
        var hit = await WaitForAsync(factory, s => s.DisplayName == "page /min/json/{id:int}");

        Assert.Equal("miss", miss.GetTagItem("fragmentcache.outcome"));
        Assert.Equal("hit", hit.GetTagItem("fragmentcache.outcome"));
        Assert.Equal("/min/json/{id:int}", hit.GetTagItem("http.route"));
        Assert.Null(hit.GetTagItem("fragmentcache.store.name"));
        var reads = SpanTree.ChildrenOf(factory.Spans.Snapshot(), hit);
        Assert.NotEmpty(reads);
        Assert.All(reads, s => AssertMemcachedSpan(s, "get", memcached.Port));
    }

    [Fact]
    public async Task PageOnNamedStore_PageSpanNamesTheStore()
    {
        await using var memcached = await MemcachedProcess.StartAsync();
        await using var factory = new TracedAppFactory(memcached.Address);
        var client = factory.CreateClient();

        var first = await client.GetStringAsync("/Stores/Page", TestContext.Current.CancellationToken);
        await WaitForAsync(factory, s => s.DisplayName == PageSpanName);
        factory.Spans.Clear();
        Assert.Equal(first, await client.GetStringAsync("/Stores/Page", TestContext.Current.CancellationToken));
        var hit = await WaitForAsync(factory, s => s.DisplayName == PageSpanName);

        Assert.Equal("hit", hit.GetTagItem("fragmentcache.outcome"));
        Assert.Equal("shared", hit.GetTagItem("fragmentcache.store.name"));
        // The page's own lookup is the page span, on the named store as on the main one.
        Assert.DoesNotContain(factory.Spans.Snapshot(), s => s.DisplayName.StartsWith("fragment page", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FragmentRenderThrows_FragmentSpanIsAnErrorWithTheExceptionType()
    {
        await using var memcached = await MemcachedProcess.StartAsync();
        await using var factory = new TracedAppFactory(memcached.Address);
        var client = factory.CreateClient();
        factory.Services.GetRequiredService<RenderCounter>().Fail = true;

        var response = await client.GetAsync("/Fragments/Throwing", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var fragment = await WaitForAsync(factory, s => s.DisplayName == "fragment t-throw");
        Assert.Equal(ActivityStatusCode.Error, fragment.Status);
        Assert.Equal("System.InvalidOperationException", fragment.GetTagItem("error.type"));
        Assert.Null(fragment.GetTagItem("fragmentcache.outcome"));
        // The store did not fail: its spans below the fragment are not errors.
        var operations = SpanTree.ChildrenOf(factory.Spans.Snapshot(), fragment);
        Assert.NotEmpty(operations);
        Assert.All(operations, s => Assert.Equal(ActivityStatusCode.Unset, s.Status));
    }

    [Fact]
    public async Task Metrics_MemcachedOperationsAndDuration_CarryDatabaseAttributes()
    {
        await using var memcached = await MemcachedProcess.StartAsync();
        await using var factory = new TracedAppFactory(memcached.Address);
        var client = factory.CreateClient();

        await client.GetStringAsync("/Traced/Fragments", TestContext.Current.CancellationToken);
        await client.GetStringAsync("/Traced/Fragments", TestContext.Current.CancellationToken);
        factory.CollectMetrics();

        var metrics = factory.Metrics.Snapshot();
        var expected = new Dictionary<string, object?> { ["db.system.name"] = "memcached", ["db.operation.name"] = "get", ["server.address"] = "127.0.0.1", ["server.port"] = memcached.Port };
        var operations = metrics.Where(m => m.Name == "fragmentcache.memcached.operations").SelectMany(m => m.MetricPoints).ToArray();
        var gets = Assert.Single(operations, p => Tags(p)["db.operation.name"] as string == "get");
        Assert.Equal(expected, Tags(gets));
        // Two requests, each looking up its main-store fragment in memcached: at least two gets.
        Assert.True(gets.GetSumLong() >= 2, $"{gets.GetSumLong()} gets");
        Assert.All(operations, p => Assert.Equal(MemcachedAttributes, Tags(p).Keys.Order()));

        var durations = metrics.Where(m => m.Name == "fragmentcache.memcached.operation.duration").SelectMany(m => m.MetricPoints).ToArray();
        var getDuration = Assert.Single(durations, p => Tags(p)["db.operation.name"] as string == "get");
        Assert.Equal(expected, Tags(getDuration));
        Assert.True(getDuration.GetHistogramCount() >= 2);

        var lookups = metrics.Where(m => m.Name == "fragmentcache.fragment.lookups").SelectMany(m => m.MetricPoints).ToArray();
        var basicHits = Assert.Single(lookups, p => Tags(p)["fragment"] as string == "traced-basic" && Tags(p)["outcome"] as string == "hit");
        Assert.Equal(1, basicHits.GetSumLong());
    }

    private static void AssertMemcachedSpan(Activity span, string operation, int port)
    {
        Assert.Equal(MemcachedTelemetry.ActivitySourceName, span.Source.Name);
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal(operation, span.DisplayName);
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        // Exactly the database attributes: never a key or a value.
        Assert.Equal(MemcachedAttributes, span.TagObjects.Select(t => t.Key).Order());
        Assert.Equal("memcached", span.GetTagItem("db.system.name"));
        Assert.Equal(operation, span.GetTagItem("db.operation.name"));
        Assert.Equal("127.0.0.1", span.GetTagItem("server.address"));
        Assert.Equal(port, span.GetTagItem("server.port"));
    }

    private static Dictionary<string, object?> Tags(global::OpenTelemetry.Metrics.MetricPoint point)
    {
        var tags = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in point.Tags)
        {
            tags[tag.Key] = tag.Value;
        }

        return tags;
    }

    /// <summary>The first exported span that matches; spans end as their work does, so this waits (at most 10 s) for it.</summary>
    private static async Task<Activity> WaitForAsync(TracedAppFactory factory, Func<Activity, bool> match)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (factory.Spans.Snapshot().FirstOrDefault(match) is { } span)
            {
                return span;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        throw new Xunit.Sdk.XunitException("No such span was exported within 10 s. Exported: " + string.Join(", ", factory.Spans.Snapshot().Select(s => s.DisplayName)));
    }
}
