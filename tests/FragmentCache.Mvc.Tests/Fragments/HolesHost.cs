using FragmentCache.Mvc.Holes;
using FragmentCache.Mvc.Tests.Infrastructure;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Mvc.Tests.Fragments;

/// <summary>
/// The test app over the memory store ("memory", behind a <see cref="FlakyStore"/>) or a real memcached ("memcached", a
/// process of its own), with its log captured; and the visitors the hole tests use.
/// </summary>
internal sealed class HolesHost : IAsyncDisposable
{
    private HolesHost(TestAppFactory factory, FlakyStore? store, MemcachedProcess? memcached, CapturingLoggerProvider logs)
    {
        Factory = factory;
        Store = store;
        Memcached = memcached;
        Logs = logs;
    }

    public TestAppFactory Factory { get; }

    /// <summary>The memory store (null on memcached).</summary>
    public FlakyStore? Store { get; }

    /// <summary>The memcached process (null on the memory store).</summary>
    public MemcachedProcess? Memcached { get; private set; }

    public CapturingLoggerProvider Logs { get; }

    public static async Task<HolesHost> StartAsync(string backend, Action<IServiceCollection>? configure = null)
    {
        CapturingLoggerProvider? logs = null;
        void Configure(IServiceCollection services)
        {
            logs = LogCapture.AddTo(services);
            configure?.Invoke(services);
        }

        TestAppFactory factory;
        FlakyStore? store = null;
        MemcachedProcess? memcached = null;
        if (backend == "memcached")
        {
            memcached = await MemcachedProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
            factory = new TestAppFactory("127.0.0.1:" + memcached.Port, new FakeTimeProvider(TestAppFactory.Start), configure: Configure);
        }
        else
        {
            (factory, store) = TestAppFactory.Create(Configure);
        }

        _ = factory.Server; // start it, so the log provider exists
        return new HolesHost(factory, store, memcached, logs!);
    }

    /// <summary>Makes the store unreachable: the memory store fails every call; memcached is stopped.</summary>
    public async Task TakeStoreDownAsync()
    {
        if (Store is not null)
        {
            Store.Down = true;
        }
        else if (Memcached is not null)
        {
            await Memcached.DisposeAsync();
            Memcached = null;
        }
    }

    /// <summary>A browser of its own (cookies kept), signed in as <paramref name="name"/> (null: anonymous).</summary>
    public Visitor Visit(string? name) => new(Factory.CreateClient(), name);

    /// <summary>The key of a fragment in one of the Holes views.</summary>
    public FragmentKey Key(string fragment, string view)
        => Factory.Services.GetRequiredService<TemplateFragmentKeys>().For(fragment, viewPath: "/Views/Holes/" + view + ".cshtml").ToFragmentKey();

    /// <summary>The stored copy of a fragment (markup and hole table), or null when there is none.</summary>
    public async Task<FragmentResult?> StoredAsync(string fragment, string view)
    {
        var cache = Factory.Services.GetRequiredService<IFragmentCache>();
        var result = await cache.GetOrRenderAsync(
            Key(fragment, view), null, _ => ValueTask.FromResult(FragmentRender.NotStored("", "probe")), TestContext.Current.CancellationToken);
        return result.IsFromCache ? result : null;
    }

    /// <summary>The holes of a stored copy; fails when it has no table that decodes.</summary>
    public static PlacedHole[] HolesOf(FragmentResult stored)
    {
        Assert.True(HoleTable.TryDecode(stored.Holes.Span, stored.Utf8.Length, out var holes), "the stored hole table does not decode");
        return holes;
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        if (Memcached is not null)
        {
            await Memcached.DisposeAsync();
        }
    }
}

/// <summary>One visitor: a client with its own cookies, sending the test sign-in headers for <see cref="Name"/>.</summary>
internal sealed class Visitor(HttpClient client, string? name)
{
    public string? Name => name;

    public HttpClient Client => client;

    /// <summary>What the hole prints for this visitor (without the render count).</summary>
    public string Shown => "<span class=\"who\">" + (name ?? "anonymous") + ":";

    public (string Name, string Value)[] Headers => name is null ? [] : [("X-Test-User", name.ToLowerInvariant()), ("X-Test-Name", name)];

    public Task<(HttpResponseMessage Response, string Body)> GetAsync(string url) => client.SendAsync(url, Headers);

    public async Task<(HttpResponseMessage Response, string Body)> PostAsync(string url, IEnumerable<KeyValuePair<string, string>> form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        foreach (var (header, value) in Headers)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return (response, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
