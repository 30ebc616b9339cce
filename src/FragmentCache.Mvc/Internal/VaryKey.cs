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
internal static class VaryKey
{
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

    /// <summary>Adds request headers (names case-insensitive; every value of a multi-value header; a missing header is an empty list).</summary>
    public static void AddHeaders(List<object?> parts, IReadOnlyList<string> names, IHeaderDictionary headers)
        => AddPairs(parts, "header", names, name => headers.TryGetValue(name, out var v) ? v : StringValues.Empty);

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

    /// <summary>Adds cookie values; a missing cookie is <see langword="null"/>, distinct from an empty one.</summary>
    public static void AddCookies(List<object?> parts, IReadOnlyList<string> names, IRequestCookieCollection cookies)
    {
        parts.Add("cookie");
        parts.Add(names.Count);
        foreach (var name in names)
        {
            parts.Add(name);
            parts.Add(cookies.TryGetValue(name, out var value) ? value : null);
        }
    }

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
