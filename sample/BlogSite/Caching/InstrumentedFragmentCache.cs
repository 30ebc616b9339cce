using System.Diagnostics;
using System.Diagnostics.Metrics;
using FragmentCache;
using Microsoft.AspNetCore.Routing;

namespace BlogSite.Caching;

/// <summary>
/// Wraps the library's <see cref="IFragmentCache"/> to count hits, misses, stale serves and timings per fragment
/// name (pages are stored as fragment <c>page</c>; they are counted per route). The library's meters carry no
/// names by design, so per-name numbers are the sample's own.
/// </summary>
public sealed class InstrumentedFragmentCache : IFragmentCache, IDisposable
{
    /// <summary>The fragment name the library stores pages under.</summary>
    public const string PageFragmentName = "page";

    private readonly IFragmentCache _inner;
    private readonly CacheStats _stats;
    private readonly IHttpContextAccessor _http;
    private readonly MeterListener _listener = new();
    private readonly AsyncLocal<StrongBox> _current = new();

    public InstrumentedFragmentCache(IFragmentCache inner, CacheStats stats, IHttpContextAccessor http, IMeterFactory? meterFactory)
    {
        _inner = inner;
        _stats = stats;
        _http = http;

        // The core counts stale serves without names; the serve happens inside our call, so attribute it to the call.
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "FragmentCache" && instrument.Name == "fragmentcache.stale_serves"
                && (meterFactory is null || ReferenceEquals(instrument.Meter.Scope, meterFactory)))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, _, _, _) =>
        {
            if (_current.Value is { } box)
            {
                box.Stale = true;
            }
        });
        _listener.Start();
    }

    /// <inheritdoc/>
    public async ValueTask<string> GetOrRenderAsync(string name, IReadOnlyList<object?>? varyValues, FragmentCacheEntryOptions? options, Func<CancellationToken, ValueTask<string>> render, CancellationToken cancellationToken = default)
    {
        var box = new StrongBox();
        _current.Value = box;
        var started = Stopwatch.GetTimestamp();
        var result = await _inner.GetOrRenderAsync(name, varyValues, options, ct =>
        {
            box.Rendered = true;
            return render(ct);
        }, cancellationToken);
        _stats.Record(name, box.Outcome, Stopwatch.GetElapsedTime(started));
        return result;
    }

    /// <inheritdoc/>
    public async ValueTask<ReadOnlyMemory<byte>> GetOrRenderBytesAsync(string name, IReadOnlyList<object?>? varyValues, FragmentCacheEntryOptions? options, Func<CancellationToken, ValueTask<ReadOnlyMemory<byte>>> render, CancellationToken cancellationToken = default)
    {
        var label = name;
        if (name == PageFragmentName && _http.HttpContext is { } context)
        {
            label = "page " + Route(context);
        }

        var box = new StrongBox();
        _current.Value = box;
        var started = Stopwatch.GetTimestamp();
        var result = await _inner.GetOrRenderBytesAsync(name, varyValues, options, ct =>
        {
            box.Rendered = true;
            return render(ct);
        }, cancellationToken);
        _stats.Record(label, box.Outcome, Stopwatch.GetElapsedTime(started));
        return result;
    }

    /// <inheritdoc/>
    public ValueTask<bool> InvalidateAsync(string name, IReadOnlyList<object?>? varyValues, bool soft = false, CancellationToken cancellationToken = default) =>
        _inner.InvalidateAsync(name, varyValues, soft, cancellationToken);

    /// <inheritdoc/>
    public ValueTask InvalidateTagAsync(string tag, CancellationToken cancellationToken = default) =>
        _inner.InvalidateTagAsync(tag, cancellationToken);

    /// <inheritdoc/>
    public void Dispose() => _listener.Dispose();

    private static string Route(HttpContext context) =>
        context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } pattern } ? "/" + pattern.TrimStart('/') : context.Request.Path.Value ?? "/";

    private sealed class StrongBox
    {
        public bool Rendered;
        public bool Stale;

        public CacheOutcome Outcome => Rendered ? CacheOutcome.Miss : Stale ? CacheOutcome.Stale : CacheOutcome.Hit;
    }
}
