using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FragmentCache.Mvc.Internal;

/// <summary>Writes the <c>X-Fragment-Cache</c> header (hit, miss or stale) when configured.</summary>
internal sealed class CacheStatus(IOptions<FragmentCacheMvcOptions> options, IHostEnvironment? environment = null)
{
    private static readonly object ItemKey = new();

    private readonly string? _header = Enabled(options.Value, environment) ? options.Value.CacheStatusHeader : null;

    public const string Hit = "hit";
    public const string Miss = "miss";

    /// <summary>Records one outcome; a page-level outcome replaces fragment ones, and any fragment miss makes the header "miss".</summary>
    public void Report(HttpContext context, string status, bool page = false)
    {
        if (_header is null || context.Response.HasStarted)
        {
            return;
        }

        if (!page && context.Items.TryGetValue(ItemKey, out var previous) && previous is Miss)
        {
            return;
        }

        context.Items[ItemKey] = status;
        context.Response.Headers[_header] = status;
    }

    public string? HeaderName => _header;

    private static bool Enabled(FragmentCacheMvcOptions options, IHostEnvironment? environment)
    {
        if (string.IsNullOrEmpty(options.CacheStatusHeader))
        {
            return false;
        }

        return options.EmitCacheStatusHeader ?? environment?.IsDevelopment() ?? false;
    }
}
