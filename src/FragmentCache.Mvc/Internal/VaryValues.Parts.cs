using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;

namespace FragmentCache.Mvc.Internal;

/// <summary>The dimensions of a key, one writer each: a marker, a count and (name, value) pairs.</summary>
internal static partial class VaryValues
{
    // The small counts every key writes, boxed once.
    private static readonly object[] SmallCounts = [0, 1, 2, 3, 4, 5, 6, 7];

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
        if (query.Count == 0)
        {
            // What the pairs below write for no keys, without their array and lookup (every page without a query).
            parts.Add("query*");
            parts.Add(Count(0));
            return;
        }

        AddAllQueryPairs(parts, query);
    }

    /// <summary>A count as the key's values hold it: boxed once for the small counts every key has.</summary>
    private static object Count(int count) => (uint)count < (uint)SmallCounts.Length ? SmallCounts[count] : count;

    private static void AddAllQueryPairs(List<object?> parts, IQueryCollection query)
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
        parts.Add(Count(names.Count));
        foreach (var name in names)
        {
            var values = lookup(name);
            parts.Add(name.ToLowerInvariant());
            parts.Add(Count(values.Count));
            foreach (var value in values)
            {
                parts.Add(value);
            }
        }
    }
}
