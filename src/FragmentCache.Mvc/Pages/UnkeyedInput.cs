using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace FragmentCache.Mvc.Pages;

/// <summary>
/// Removes from a request what its page key does not carry, before anything renders it: a shared page cannot then depend on
/// a query key (or cookie) that one visitor chose and the next visitor does not send (web cache poisoning).
/// </summary>
internal static class UnkeyedInput
{
    /// <summary>Keeps only the keyed query keys (and, if the policy says so, the keyed cookies) of the request.</summary>
    public static void Strip(HttpContext context, PagePolicy policy)
    {
        var request = context.Request;
        if (policy.Vary.QueryKeysOrNull is { } keys && !policy.KeepUnkeyedQuery && request.QueryString.HasValue)
        {
            if (KeepQuery(request.QueryString.Value!, keys) is { } kept)
            {
                // The query feature parses Request.Query again from the new string.
                request.QueryString = kept.Length == 0 ? QueryString.Empty : new QueryString(kept);
            }
        }

        if (policy.StripUnkeyedCookies && request.Headers.Cookie.Count > 0)
        {
            if (KeepCookies(request.Headers.Cookie, policy.Vary.CookiesOrNull ?? (IReadOnlyList<string>)[]) is { } cookies)
            {
                if (cookies.Length == 0)
                {
                    request.Headers.Remove(HeaderNames.Cookie);
                }
                else
                {
                    request.Headers.Cookie = cookies;
                }

                // A fresh feature reads the new header, whatever parsed the old one.
                context.Features.Set<IRequestCookiesFeature>(new RequestCookiesFeature(context.Features));
            }
        }
    }

    /// <summary>
    /// The query string (with its <c>?</c>, empty when nothing is left) of only the pairs whose decoded name is one of
    /// <paramref name="keys"/> (case-insensitive), in their original order and spelling; <see langword="null"/> when every
    /// pair is kept.
    /// </summary>
    public static string? KeepQuery(string query, IReadOnlyList<string> keys)
    {
        var text = query.AsSpan();
        if (text.StartsWith("?"))
        {
            text = text[1..];
        }

        StringBuilder? kept = null;
        var removed = false;
        while (text.Length > 0)
        {
            var end = text.IndexOf('&');
            var pair = end < 0 ? text : text[..end];
            text = end < 0 ? [] : text[(end + 1)..];
            if (pair.IsEmpty)
            {
                removed = true;
                continue;
            }

            var equals = pair.IndexOf('=');
            var name = Uri.UnescapeDataString((equals < 0 ? pair : pair[..equals]).ToString().Replace('+', ' '));
            if (!Contains(keys, name))
            {
                removed = true;
                continue;
            }

            kept ??= new StringBuilder(query.Length);
            kept.Append(kept.Length == 0 ? '?' : '&').Append(pair);
        }

        return removed ? kept?.ToString() ?? "" : null;
    }

    /// <summary>
    /// The <c>Cookie</c> header of only the cookies named in <paramref name="names"/> (case-insensitive, as the request's
    /// cookie collection looks them up), in their original order; <see langword="null"/> when every cookie is kept.
    /// </summary>
    public static string? KeepCookies(IEnumerable<string?> headers, IReadOnlyList<string> names)
    {
        StringBuilder? kept = null;
        var removed = false;
        foreach (var header in headers)
        {
            foreach (var part in (header ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = part.IndexOf('=', StringComparison.Ordinal);
                var name = (equals < 0 ? part : part[..equals]).Trim();
                if (!Contains(names, name))
                {
                    removed = true;
                    continue;
                }

                kept ??= new StringBuilder();
                kept.Append(kept.Length == 0 ? "" : "; ").Append(part);
            }
        }

        return removed ? kept?.ToString() ?? "" : null;
    }

    private static bool Contains(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
