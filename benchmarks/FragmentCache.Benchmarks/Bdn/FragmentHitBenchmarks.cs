using System.Text;
using BenchmarkDotNet.Attributes;
using FragmentCache.Mvc.Internal;
using Microsoft.AspNetCore.Html;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Benchmarks.Bdn;

/// <summary>
/// The fragment hit path (what <c>&lt;memcache-fragment&gt;</c> does on a hit) over a real memcached, one request at
/// a time, allocations measured. The target: a hit allocates no more than the fragment's bytes + 1 KB.
/// Rows: 200 = the WebBench sidebar (~38 KB: compressed when Compression sets the 32 KB threshold); add 20 (~3.8 KB) to see the fixed cost.
/// </summary>
[MemoryDiagnoser]
public class FragmentHitBenchmarks
{
    private static readonly FragmentCacheEntryOptions EntryOptions = new() { Expiration = TimeSpan.FromMinutes(10) };
    private static readonly IReadOnlyList<object?> Vary = ["query", "run", null];

    private BenchmarkServer? _server;
    private ServiceProvider? _services;
    private IFragmentCache _cache = null!;
    private string _html = "";
    private byte[] _utf8 = [];
    private Func<CancellationToken, ValueTask<FragmentRender>> _renderTag = null!;

    /// <summary>Sidebar rows: 200 is the WebBench page's sidebar.</summary>
    [Params(200)]
    public int Rows { get; set; }

    /// <summary>The in-process copy in front of memcached.</summary>
    [Params(false, true)]
    public bool TwoTier { get; set; }

    /// <summary>Whether the client compresses values from 32 KB (CompressionThreshold = 32 KiB, so the ~38 KB values are compressed) or never (CompressionThreshold = 0).</summary>
    [Params(true, false)]
    public bool Compression { get; set; }

    /// <summary>The fragment's UTF-8 size, for reading the Allocated column against.</summary>
    public int FragmentBytes => _utf8.Length;

    [GlobalSetup]
    public void Setup()
    {
        _server = BenchmarkServer.Start();
        _html = SidebarHtml.Create(Rows);
        _utf8 = Encoding.UTF8.GetBytes(_html);
        var html = _html;
        _renderTag = _ => ValueTask.FromResult(FragmentRender.Stored(html));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFragmentCache(o => o.TwoTier.Enabled = TwoTier).UseMemcached(o =>
        {
            o.Servers.Add(_server.Address);
            o.CompressionThreshold = Compression ? 32 * 1024 : 0;
        });
        _services = services.BuildServiceProvider();
        _cache = _services.GetRequiredService<IFragmentCache>();
        // Prime both flavours (a string entry and a bytes entry are separate flights, same store key).
        _ = StringHit().GetAwaiter().GetResult();
        _ = BytesHit().GetAwaiter().GetResult();
        _ = HtmlStringHit().GetAwaiter().GetResult();
        _ = TagHelperHit().GetAwaiter().GetResult();
        Console.WriteLine($"// fragment: {Rows} rows = {_utf8.Length:N0} UTF-8 bytes; target for a hit: <= {_utf8.Length + 1024:N0} B allocated");
    }

    [Benchmark(Description = "fragment hit: GetOrRenderAsync -> string")]
    public async Task<int> StringHit()
    {
        var html = await _cache.GetOrRenderAsync("sidebar", Vary, EntryOptions, _ => ValueTask.FromResult(_html));
        return html.Length;
    }

    [Benchmark(Description = "fragment hit: GetOrRenderBytesAsync -> UTF-8 bytes")]
    public async Task<int> BytesHit()
    {
        var bytes = await _cache.GetOrRenderBytesAsync("sidebar-bytes", Vary, EntryOptions, _ => ValueTask.FromResult<ReadOnlyMemory<byte>>(_utf8));
        return bytes.Length;
    }

    [Benchmark(Description = "string hit written as HtmlString: GetOrRenderAsync -> HtmlString -> page writer")]
    public async Task<int> HtmlStringHit()
    {
        var html = await _cache.GetOrRenderAsync("sidebar-tag", Vary, EntryOptions, _ => ValueTask.FromResult(_html));
        new HtmlString(html).WriteTo(TextWriter.Null, System.Text.Encodings.Web.HtmlEncoder.Default);
        return html.Length;
    }

    [Benchmark(Description = "tag helper hit: GetOrRenderAsync(FragmentKey) -> two-tier copy's string, else Utf8HtmlContent -> page writer")]
    public async Task<int> TagHelperHit()
    {
        // What <memcache-fragment> does on a hit, through the public primitive: a string the result already holds (a
        // two-tier copy's, decoded once) is written as is; otherwise the stored UTF-8, transcoded by the page's writer.
        // The render delegate is made once here; the tag helper's closes over its output (64 B more per call, as before).
        var result = await _cache.GetOrRenderAsync(FragmentKey.Create("sidebar-tag", Vary), EntryOptions, _renderTag);
        if (result.HasText)
        {
            TextWriter.Null.Write(result.Text);
            return result.Utf8.Length;
        }

        new Utf8HtmlContent(result.Utf8).WriteTo(TextWriter.Null, System.Text.Encodings.Web.HtmlEncoder.Default);
        return result.Utf8.Length;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services?.Dispose();
        _server?.Dispose();
    }
}
