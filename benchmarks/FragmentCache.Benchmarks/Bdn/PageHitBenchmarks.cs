using System.Text;
using BenchmarkDotNet.Attributes;
using FragmentCache.Mvc;
using FragmentCache.Mvc.Pages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Benchmarks.Bdn;

/// <summary>
/// The page hit path over a real memcached, in front of an endpoint that writes the ~38 KB WebBench page, invoked
/// with a fresh <see cref="DefaultHttpContext"/> whose body is a stream that only counts: <c>[CachePage]</c>'s path
/// (<c>PageCacheHandler</c> with the filter's policy: no learned Vary) and <c>app.UseSiteCache()</c>'s
/// (per-site: it also reads the URL's learned Vary headers from the store on every request), and <c>app.UseCachePage()</c>'s
/// (the middleware in front of an endpoint whose metadata carries the action's <c>[CachePage]</c>). The target: a page hit streams the
/// stored body without copying it into a new array, so a hit must allocate well under the body's size.
/// </summary>
[MemoryDiagnoser]
public class PageHitBenchmarks
{
    private BenchmarkServer? _server;
    private ServiceProvider? _services;
    private static readonly PagePolicy CachePagePolicy = new(TimeSpan.FromMinutes(10), new VaryRules { Culture = true }, [], PerSite: false);

    private RequestDelegate _app = null!;
    private RequestDelegate _cachePageApp = null!;
    private Endpoint _cachePageEndpoint = null!;
    private PageCacheHandler _handler = null!;
    private RequestDelegate _endpoint = null!;
    private byte[] _body = [];
    private int _renders;

    /// <summary>The in-process copy in front of memcached.</summary>
    [Params(false, true)]
    public bool TwoTier { get; set; }

    /// <summary>Whether the client compresses values from 32 KB (CompressionThreshold = 32 KiB, so the ~38 KB values are compressed) or never (CompressionThreshold = 0).</summary>
    [Params(true, false)]
    public bool Compression { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _server = BenchmarkServer.Start();
        _body = Encoding.UTF8.GetBytes("<!DOCTYPE html><html><body><main>An article</main><aside>" + SidebarHtml.Create(200) + "</aside></body></html>");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddFragmentCache(o => o.TwoTier.Enabled = TwoTier).UseMemcached(o =>
        {
            o.Servers.Add(_server.Address);
            o.CompressionThreshold = Compression ? 32 * 1024 : 0;
        });
        services.AddFragmentCacheMvc();
        _services = services.BuildServiceProvider();
        _endpoint = context =>
        {
            _renders++;
            // What the [CachePage] filter does when UseCachePage runs in front of MVC: without it the middleware serves
            // the response but never stores it (only the action's own response may be stored).
            if (context.Features.Get<CachePageFeature>() is { } cachePage)
            {
                cachePage.FilterReached = true;
            }

            context.Response.ContentType = "text/html; charset=utf-8";
            return context.Response.Body.WriteAsync(_body).AsTask();
        };
        var app = new ApplicationBuilder(_services);
        app.UseSiteCache();
        app.Run(_endpoint);
        _app = app.Build();

        // What MVC puts in an action endpoint's metadata: the action descriptor with its filter descriptors.
        var action = new ActionDescriptor { FilterDescriptors = [new FilterDescriptor(new CachePageAttribute(), FilterScope.Action)] };
        _cachePageEndpoint = new Endpoint(_endpoint, new EndpointMetadataCollection(action), "cachepage-middleware");
        var cachePageApp = new ApplicationBuilder(_services);
        cachePageApp.UseCachePage();
        cachePageApp.Run(_endpoint);
        _cachePageApp = cachePageApp.Build();
        _handler = _services.GetRequiredService<PageCacheHandler>();
        var first = PerSiteHit().GetAwaiter().GetResult();
        var second = PerSiteHit().GetAwaiter().GetResult();
        Console.WriteLine($"// page body: {_body.Length:N0} B; per-site: first request wrote {first:N0} B, second (hit) wrote {second:N0} B");
        first = CachePageHit().GetAwaiter().GetResult();
        second = CachePageHit().GetAwaiter().GetResult();
        Console.WriteLine($"// [CachePage]: first request wrote {first:N0} B, second (hit) wrote {second:N0} B");
        first = CachePageMiddlewareHit().GetAwaiter().GetResult();
        second = CachePageMiddlewareHit().GetAwaiter().GetResult();
        Console.WriteLine($"// UseCachePage: first request wrote {first:N0} B, second (hit) wrote {second:N0} B; the endpoint ran {_renders} times for the 3 first requests");
    }

    [Benchmark(Description = "page hit: [CachePage] handler replay (GET /cachepage)")]
    public async Task<long> CachePageHit()
    {
        var (context, body) = NewContext("/cachepage");
        // As the [CachePage] filter calls it: the pipeline behind as a static delegate with its state (no closure per request).
        await _handler.HandleAsync(context, CachePagePolicy, this, static (self, http) => ((PageHitBenchmarks)self!).RenderAsync(http));
        return body.Written;
    }

    private async Task<PageVerdict> RenderAsync(HttpContext context)
    {
        await _endpoint(context).ConfigureAwait(false);
        return PageVerdict.Storable;
    }

    [Benchmark(Description = "page hit: UseCachePage middleware replay (GET /cachepage-mw)")]
    public async Task<long> CachePageMiddlewareHit()
    {
        var (context, body) = NewContext("/cachepage-mw");
        context.SetEndpoint(_cachePageEndpoint);
        await _cachePageApp(context);
        return body.Written;
    }

    [Benchmark(Description = "page hit: UseSiteCache replay (GET /page)")]
    public async Task<long> PerSiteHit()
    {
        var (context, body) = NewContext("/page");
        await _app(context);
        return body.Written;
    }

    /// <summary>
    /// The harness alone, no cache: a fresh context with its counting body, the response headers a hit sets (from strings
    /// already held) and the body written. A page hit's figure less this one is what the library allocates.
    /// </summary>
    public async Task<long> HarnessOnly()
    {
        var (context, body) = NewContext("/cachepage");
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.ETag = "\"0123456789ABCDEF0123456789ABCDEF\"";
        response.Headers.LastModified = "Thu, 03 Dec 2026 09:00:00 GMT";
        response.Headers.Age = "0";
        response.ContentLength = _body.Length;
        await response.Body.WriteAsync(_body);
        return body.Written;
    }

    private (DefaultHttpContext Context, CountingStream Body) NewContext(string path)
    {
        var body = new CountingStream();
        var context = new DefaultHttpContext { RequestServices = _services! };
        context.Request.Method = "GET";
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("localhost");
        context.Request.Path = path;
        context.Response.Body = body;
        return (context, body);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services?.Dispose();
        _server?.Dispose();
    }

    /// <summary>A response body that keeps nothing: it counts what it was given.</summary>
    private sealed class CountingStream : Stream
    {
        public long Written { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Written;

        public override long Position { get => Written; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Written += count;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Written += buffer.Length;
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Written += count;
            return Task.CompletedTask;
        }
    }
}
