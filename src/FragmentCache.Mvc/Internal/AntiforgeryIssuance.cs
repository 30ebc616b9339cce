using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;

namespace FragmentCache.Mvc.Internal;

/// <summary>
/// The antiforgery tokens handed out during one request (a request feature, set by <see cref="TrackingAntiforgery"/>):
/// how many times one was asked for, and the request tokens given, so a fragment can tell that its render put a
/// visitor's token into its HTML.
/// </summary>
internal sealed class AntiforgeryIssuance
{
    private readonly Lock _lock = new();
    private int _count;
    private string? _token;
    private List<string>? _otherTokens;

    /// <summary>How many times tokens were handed out so far in this request, outside holes.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Records one hand-out; one inside a hole (<paramref name="counted"/> false) is remembered but not counted.</summary>
    public void Record(AntiforgeryTokenSet tokens, bool counted = true)
    {
        lock (_lock)
        {
            if (tokens.RequestToken is { Length: > 0 } token && token != _token && _otherTokens?.Contains(token) != true)
            {
                if (_token is null)
                {
                    _token = token;
                }
                else
                {
                    (_otherTokens ??= []).Add(token);
                }
            }

            if (counted)
            {
                _count++;
            }
        }
    }

    /// <summary>Whether <paramref name="html"/> contains a request token handed out in this request.</summary>
    public bool AppearsIn(string html)
    {
        lock (_lock)
        {
            if (_token is null)
            {
                return false;
            }

            if (html.Contains(_token, StringComparison.Ordinal))
            {
                return true;
            }

            foreach (var token in _otherTokens ?? [])
            {
                if (html.Contains(token, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The request's issuance record, created on first use.</summary>
    public static AntiforgeryIssuance For(HttpContext context)
    {
        var issuance = context.Features.Get<AntiforgeryIssuance>();
        if (issuance is null)
        {
            issuance = new AntiforgeryIssuance();
            context.Features.Set(issuance);
        }

        return issuance;
    }
}
