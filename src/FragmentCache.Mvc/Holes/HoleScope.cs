using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace FragmentCache.Mvc.Holes;

/// <summary>
/// What the holes of one request did to its response (a request feature): whether a hole is rendering now, the
/// <c>Set-Cookie</c> values holes added, and the value each caching header had before a hole changed it. A hole's headers
/// belong to this response only: the page cache neither lets them block storing nor stores them.
/// </summary>
internal sealed class HoleScope
{
    /// <summary>The caching headers a hole's render may set (antiforgery sets all but <c>Expires</c>).</summary>
    public static readonly string[] CachingHeaders = [HeaderNames.CacheControl, HeaderNames.Pragma, HeaderNames.Expires, HeaderNames.XFrameOptions];

    private int _depth;
    private List<string>? _cookies;
    private Dictionary<string, (StringValues Before, StringValues After)>? _changed;

    /// <summary>Whether a hole is rendering now.</summary>
    public bool InHole => Volatile.Read(ref _depth) > 0;

    /// <summary>The <c>Set-Cookie</c> values holes added, in order.</summary>
    public IReadOnlyList<string> Cookies => _cookies ?? (IReadOnlyList<string>)[];

    /// <summary>Per caching header a hole changed: its value before the first such hole and after the last.</summary>
    public IReadOnlyDictionary<string, (StringValues Before, StringValues After)> ChangedHeaders
        => _changed ?? (IReadOnlyDictionary<string, (StringValues, StringValues)>)new Dictionary<string, (StringValues, StringValues)>();

    /// <summary>The request's scope, or null when no hole has rendered in it.</summary>
    public static HoleScope? Get(HttpContext? context) => context?.Features.Get<HoleScope>();

    /// <summary>Whether a hole of this request is rendering now.</summary>
    public static bool IsActive(HttpContext? context) => Get(context)?.InHole == true;

    /// <summary>Marks a hole's render: headers it sets from here until the returned value is disposed are the hole's.</summary>
    public static Entered Enter(HttpContext context)
    {
        var scope = context.Features.Get<HoleScope>();
        if (scope is null)
        {
            scope = new HoleScope();
            context.Features.Set(scope);
        }

        Interlocked.Increment(ref scope._depth);
        var headers = context.Response.Headers;
        var before = new StringValues[CachingHeaders.Length];
        for (var i = 0; i < before.Length; i++)
        {
            before[i] = headers[CachingHeaders[i]];
        }

        return new Entered(scope, headers, headers.SetCookie, before);
    }

    private void Exit(IHeaderDictionary headers, StringValues cookiesBefore, StringValues[] before)
    {
        var cookies = headers.SetCookie;
        if (cookies.Count > cookiesBefore.Count)
        {
            for (var i = cookiesBefore.Count; i < cookies.Count; i++)
            {
                (_cookies ??= []).Add(cookies[i]!);
            }
        }

        for (var i = 0; i < CachingHeaders.Length; i++)
        {
            var after = headers[CachingHeaders[i]];
            if (!StringValues.Equals(before[i], after))
            {
                _changed ??= new(StringComparer.OrdinalIgnoreCase);
                _changed[CachingHeaders[i]] = _changed.TryGetValue(CachingHeaders[i], out var known) ? (known.Before, after) : (before[i], after);
            }
        }

        Interlocked.Decrement(ref _depth);
    }

    /// <summary>An open hole render; dispose it when the render ends (thrown or not).</summary>
    public readonly struct Entered : IDisposable
    {
        private readonly HoleScope _scope;
        private readonly IHeaderDictionary _headers;
        private readonly StringValues _cookies;
        private readonly StringValues[] _before;

        internal Entered(HoleScope scope, IHeaderDictionary headers, StringValues cookies, StringValues[] before)
        {
            _scope = scope;
            _headers = headers;
            _cookies = cookies;
            _before = before;
        }

        /// <inheritdoc/>
        public void Dispose() => _scope?.Exit(_headers, _cookies, _before);
    }
}
