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
internal static partial class VaryValues
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
            AddRequest(
                parts,
                http,
                Names(own?.HeadersOrNull, profile?.HeadersOrNull),
                Names(own?.QueryKeysOrNull, profile?.QueryKeysOrNull),
                Names(own?.RouteValuesOrNull, profile?.RouteValuesOrNull),
                routeValues,
                Names(own?.CookiesOrNull, profile?.CookiesOrNull),
                own?.User == true || profile?.User == true,
                own?.Culture == true || profile?.Culture == true ? (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) : null,
                own?.ValuesOrNull,
                profile?.ValuesOrNull);
        }
        else
        {
            if (own?.User == true || profile?.User == true)
            {
                AddUser(parts, null);
            }

            if (own?.Culture == true || profile?.Culture == true)
            {
                AddCulture(parts, CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
            }
        }

        if (viewDigest is not null)
        {
            AddText(parts, "view", viewDigest);
        }

        return parts;
    }

    /// <summary>
    /// The vary values of a page's <paramref name="rules"/> (already merged from its attribute and profile), written as
    /// <see cref="Build"/> writes a fragment's, dimension by dimension: headers, query keys, route values, cookies, user,
    /// culture, callback values. Where a page's model differs, the caller says so: <paramref name="headers"/> are the
    /// rules' headers and the <c>Vary</c> headers learned for the URL; query keys the rules never set (a
    /// <see langword="null"/> list) mean the whole query; the culture, when the rules vary by it, is the one request
    /// localization resolved (<paramref name="culture"/>, none when it did not run).
    /// </summary>
    public static void AddRules(
        List<object?> parts, VaryRules rules, HttpContext http, IReadOnlyList<string> headers, CultureInfo? culture, CultureInfo? uiCulture)
        => AddRequest(
            parts,
            http,
            headers,
            rules.QueryKeysOrNull is { } query ? Names(query, null) : null,
            Names(rules.RouteValuesOrNull, null),
            null,
            Names(rules.CookiesOrNull, null),
            rules.User,
            rules.Culture && culture is not null ? (culture, uiCulture ?? culture) : null,
            rules.ValuesOrNull,
            null);

    /// <summary>
    /// The request dimensions of one key, in the one order and format fragments and pages share; an empty dimension is
    /// left out, except the whole query (<paramref name="query"/> <see langword="null"/>), which is always written.
    /// </summary>
    private static void AddRequest(
        List<object?> parts,
        HttpContext http,
        IReadOnlyList<string> headers,
        IReadOnlyList<string>? query,
        IReadOnlyList<string> route,
        RouteValueDictionary? routeValues,
        IReadOnlyList<string> cookies,
        bool user,
        (CultureInfo Culture, CultureInfo UICulture)? culture,
        IReadOnlyDictionary<string, Func<HttpContext, string?>>? ownValues,
        IReadOnlyDictionary<string, Func<HttpContext, string?>>? profileValues)
    {
        if (headers.Count > 0)
        {
            AddHeaders(parts, headers, http.Request.Headers);
        }

        if (query is null)
        {
            AddAllQuery(parts, http.Request.Query);
        }
        else if (query.Count > 0)
        {
            AddQuery(parts, query, http.Request.Query);
        }

        if (route.Count > 0)
        {
            AddRoute(parts, route, routeValues ?? http.Request.RouteValues);
        }

        if (cookies.Count > 0)
        {
            AddCookies(parts, cookies, http.Request.Cookies);
        }

        if (user)
        {
            AddUser(parts, http.User);
        }

        if (culture is { } c)
        {
            AddCulture(parts, c.Culture, c.UICulture);
        }

        if (ownValues is { Count: > 0 } || profileValues is { Count: > 0 })
        {
            AddCallbackValues(parts, ownValues, profileValues, http);
        }
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
}
