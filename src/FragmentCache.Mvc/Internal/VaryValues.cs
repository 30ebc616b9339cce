using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;

namespace FragmentCache.Mvc.Internal;

/// <summary>
/// Builds the vary values of fragment and page keys. Pure functions: every dimension is written as a
/// marker, a count and (name, value) pairs into a list that <see cref="FragmentKey"/> length-prefixes,
/// so no value can imitate another dimension or another pair.
/// </summary>
internal static class VaryValues
{
    /// <summary>
    /// The vary values of a fragment, in one fixed order: <c>vary-on</c>, <c>vary-by</c>, then the rules of
    /// <paramref name="own"/> (the fragment's attributes) merged with <paramref name="profile"/>'s (headers, query keys,
    /// route values, cookies, user, culture, callback values), then the view digest when there is one. The one function
    /// behind <c>&lt;memcache-fragment&gt;</c>, <c>&lt;MemcacheFragment&gt;</c> and <see cref="TemplateFragmentKeys"/>, so
    /// a key built from code addresses exactly the entry a front end wrote. Request parts are skipped without an
    /// <paramref name="http"/> context.
    /// </summary>
    public static List<object?> Build(
        IReadOnlyList<object?>? on, string? by, VaryRules? own, VaryRules? profile, HttpContext? http, RouteValueDictionary? routeValues, string? viewDigest)
    {
        var parts = new List<object?>();
        AddValues(parts, "on", on ?? []);
        if (by is not null)
        {
            AddText(parts, "by", by);
        }

        if (http is not null)
        {
            var headers = Names(own?.HeadersOrNull, profile?.HeadersOrNull);
            if (headers.Count > 0)
            {
                AddHeaders(parts, headers, http.Request.Headers);
            }

            var query = Names(own?.QueryKeysOrNull, profile?.QueryKeysOrNull);
            if (query.Count > 0)
            {
                AddQuery(parts, query, http.Request.Query);
            }

            var route = Names(own?.RouteValuesOrNull, profile?.RouteValuesOrNull);
            if (route.Count > 0)
            {
                AddRoute(parts, route, routeValues ?? http.Request.RouteValues);
            }

            var cookies = Names(own?.CookiesOrNull, profile?.CookiesOrNull);
            if (cookies.Count > 0)
            {
                AddCookies(parts, cookies, http.Request.Cookies);
            }
        }

        if (own?.User == true || profile?.User == true)
        {
            AddUser(parts, http?.User);
        }

        if (own?.Culture == true || profile?.Culture == true)
        {
            AddCulture(parts, CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        }

        if (http is not null && (own?.ValuesOrNull is { Count: > 0 } || profile?.ValuesOrNull is { Count: > 0 }))
        {
            AddCallbackValues(parts, own?.ValuesOrNull, profile?.ValuesOrNull, http);
        }

        if (viewDigest is not null)
        {
            AddText(parts, "view", viewDigest);
        }

        return parts;
    }

    /// <summary>
    /// Adds callback values by name, sorted ordinally so every server builds the same key; a name in both sets takes
    /// <paramref name="own"/>'s callback. Each value goes in as a digest (<see cref="Secret"/>), like a cookie, and
    /// <see langword="null"/> stays distinct from empty.
    /// </summary>
    public static void AddCallbackValues(
        List<object?> parts, IReadOnlyDictionary<string, Func<HttpContext, string?>>? own, IReadOnlyDictionary<string, Func<HttpContext, string?>>? profile, HttpContext http)
    {
        var names = new List<string>((own?.Count ?? 0) + (profile?.Count ?? 0));
        foreach (var source in new[] { own, profile })
        {
            if (source is null)
            {
                continue;
            }

            foreach (var name in source.Keys)
            {
                if (!names.Contains(name))
                {
                    names.Add(name);
                }
            }
        }

        names.Sort(StringComparer.Ordinal);
        parts.Add("value");
        parts.Add(names.Count);
        foreach (var name in names)
        {
            var callback = own is not null && own.TryGetValue(name, out var o) ? o : profile![name];
            var value = callback(http);
            parts.Add(name);
            parts.Add(value is null ? null : Secret(value));
        }
    }

    /// <summary>
    /// <see cref="Merge"/>, without allocating when one side is empty and the other is already merged (trimmed,
    /// non-empty and free of case-insensitive duplicates): the list itself is returned.
    /// </summary>
    internal static IReadOnlyList<string> Names(List<string>? first, List<string>? second)
    {
        var firstEmpty = first is null || first.Count == 0;
        var secondEmpty = second is null || second.Count == 0;
        if (firstEmpty && secondEmpty)
        {
            return [];
        }

        if (secondEmpty && IsMerged(first!))
        {
            return first!;
        }

        if (firstEmpty && IsMerged(second!))
        {
            return second!;
        }

        return Merge(first, second);
    }

    private static bool IsMerged(List<string> names)
    {
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i];
            if (string.IsNullOrEmpty(name) || char.IsWhiteSpace(name[0]) || char.IsWhiteSpace(name[^1]))
            {
                return false;
            }

            for (var j = 0; j < i; j++)
            {
                if (string.Equals(names[j], name, StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Splits a comma-separated list, trimming names and dropping empty ones (<c>",a,,b,"</c> = <c>a,b</c>).</summary>
    public static string[] ParseList(string? list)
    {
        if (string.IsNullOrWhiteSpace(list))
        {
            return [];
        }

        return list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Merges names case-insensitively, keeping the first spelling, in the order given.</summary>
    public static string[] Merge(IEnumerable<string>? first, IEnumerable<string>? second)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var result = new List<string>();
        foreach (var source in new[] { first, second })
        {
            if (source is null)
            {
                continue;
            }

            foreach (var name in source)
            {
                var trimmed = name?.Trim();
                if (!string.IsNullOrEmpty(trimmed) && seen.Add(trimmed))
                {
                    result.Add(trimmed);
                }
            }
        }

        return [.. result];
    }

    public static void AddText(List<object?> parts, string marker, string? value)
    {
        parts.Add(marker);
        parts.Add(value);
    }

    public static void AddValues(List<object?> parts, string marker, IReadOnlyList<object?> values)
    {
        parts.Add(marker);
        parts.Add(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            parts.Add(values[i]);
        }
    }

    /// <summary>
    /// Adds request headers (names case-insensitive; every value of a multi-value header; a missing header is an empty
    /// list). The values of <c>Cookie</c>, <c>Authorization</c> and <c>Proxy-Authorization</c> go in as digests
    /// (<see cref="Secret"/>): the canonical key is stored inside the entry, so a raw value would put session cookies
    /// and credentials into the shared store.
    /// </summary>
    public static void AddHeaders(List<object?> parts, IReadOnlyList<string> names, IHeaderDictionary headers)
        => AddPairs(parts, "header", names, name => headers.TryGetValue(name, out var v) ? (IsCredentialHeader(name) ? Digests(v) : v) : StringValues.Empty);

    /// <summary>Adds query values (names case-insensitive, values case-sensitive).</summary>
    public static void AddQuery(List<object?> parts, IReadOnlyList<string> names, IQueryCollection query)
        => AddPairs(parts, "query", names, name => query.TryGetValue(name, out var v) ? v : StringValues.Empty);

    /// <summary>Adds every query key (sorted by lower-cased name, values in request order).</summary>
    public static void AddAllQuery(List<object?> parts, IQueryCollection query)
    {
        var names = new string[query.Count];
        var i = 0;
        foreach (var pair in query)
        {
            names[i++] = pair.Key;
        }

        Array.Sort(names, StringComparer.OrdinalIgnoreCase);
        AddPairs(parts, "query*", names, name => query[name]);
    }

    /// <summary>Adds cookie values as digests (<see cref="Secret"/>: a cookie may be a session); a missing cookie is
    /// <see langword="null"/>, distinct from an empty one.</summary>
    public static void AddCookies(List<object?> parts, IReadOnlyList<string> names, IRequestCookieCollection cookies)
    {
        parts.Add("cookie");
        parts.Add(names.Count);
        foreach (var name in names)
        {
            parts.Add(name);
            parts.Add(cookies.TryGetValue(name, out var value) ? Secret(value) : null);
        }
    }

    /// <summary>
    /// A value that must not be readable in the store: <c>sha256:</c> and the hex SHA-256 of its UTF-16 code units
    /// (not of UTF-8, which would map every invalid surrogate to U+FFFD and make different values collide). Equal
    /// values give equal digests and different values different ones, so the key varies exactly as with the value.
    /// </summary>
    public static string Secret(string value) =>
        "sha256:" + Convert.ToHexString(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(value.AsSpan())));

    /// <summary>Adds route values, formatted culture-invariantly.</summary>
    public static void AddRoute(List<object?> parts, IReadOnlyList<string> names, RouteValueDictionary values)
    {
        parts.Add("route");
        parts.Add(names.Count);
        foreach (var name in names)
        {
            parts.Add(name);
            parts.Add(values.TryGetValue(name, out var value) ? Convert.ToString(value, CultureInfo.InvariantCulture) : null);
        }
    }

    /// <summary>Adds the current culture and UI culture (by name, so <c>fr-FR</c> equals <c>fr-fr</c>).</summary>
    public static void AddCulture(List<object?> parts, CultureInfo culture, CultureInfo uiCulture)
    {
        parts.Add("culture");
        parts.Add(culture.Name);
        parts.Add(uiCulture.Name);
    }

    /// <summary>Adds the stable user id (<see langword="null"/> when anonymous).</summary>
    public static void AddUser(List<object?> parts, ClaimsPrincipal? user)
    {
        parts.Add("user");
        parts.Add(StableUserId(user));
    }

    /// <summary>
    /// A stable id of the signed-in user: the <see cref="ClaimTypes.NameIdentifier"/> claim, then <c>sub</c>,
    /// then the name; failing all three, a digest of every claim. <see langword="null"/> when nobody is signed in;
    /// never empty for an authenticated user.
    /// </summary>
    public static string? StableUserId(ClaimsPrincipal? user)
    {
        if (user?.Identity is not { IsAuthenticated: true } identity)
        {
            return null;
        }

        var id = user.FindFirst(ClaimTypes.NameIdentifier)?.Value;
        if (string.IsNullOrEmpty(id))
        {
            id = user.FindFirst("sub")?.Value;
        }

        if (!string.IsNullOrEmpty(id))
        {
            return "id:" + id;
        }

        if (!string.IsNullOrEmpty(identity.Name))
        {
            return "name:" + identity.Name;
        }

        var claims = new List<string>();
        foreach (var claim in user.Claims)
        {
            claims.Add(claim.Type.Length.ToString(CultureInfo.InvariantCulture) + ":" + claim.Type + "=" + claim.Value);
        }

        claims.Sort(StringComparer.Ordinal);
        var text = (identity.AuthenticationType ?? "") + "\n" + string.Join('\n', claims);
        return "claims:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static bool IsCredentialHeader(string name) =>
        name.Equals("Cookie", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase);

    private static StringValues Digests(StringValues values)
    {
        var digests = new string[values.Count];
        for (var i = 0; i < digests.Length; i++)
        {
            digests[i] = Secret(values[i] ?? "");
        }

        return digests;
    }

    private static void AddPairs(List<object?> parts, string marker, IReadOnlyList<string> names, Func<string, StringValues> lookup)
    {
        parts.Add(marker);
        parts.Add(names.Count);
        foreach (var name in names)
        {
            var values = lookup(name);
            parts.Add(name.ToLowerInvariant());
            parts.Add(values.Count);
            foreach (var value in values)
            {
                parts.Add(value);
            }
        }
    }
}
