namespace FragmentCache.Mvc.Internal;

/// <summary>
/// What a fragment's author wrote on <c>&lt;memcache-fragment&gt;</c> or <c>&lt;MemcacheFragment&gt;</c>, read once
/// by the shell and handed to <see cref="FragmentRenderer"/>: both front ends say the same thing in the same words,
/// so they cannot drift.
/// </summary>
internal sealed class FragmentDirective
{
    /// <summary>The fragment's name; with the vary values it forms the key.</summary>
    public required string Name { get; init; }

    /// <summary>Whether the component wrote it (for messages, and for the view digest's default).</summary>
    public bool Component { get; init; }

    /// <summary>Positional vary values (<c>vary-on</c>).</summary>
    public IReadOnlyList<object?>? VaryOn { get; init; }

    /// <summary>An arbitrary vary string (<c>vary-by</c>).</summary>
    public string? VaryBy { get; init; }

    /// <summary>The fragment's own vary rules, merged with its profile's; <see langword="null"/> when it sets none.</summary>
    public VaryRules? Vary { get; init; }

    /// <summary>Comma-separated tags, added to the profile's.</summary>
    public string? Tags { get; init; }

    /// <summary>Time to live.</summary>
    public TimeSpan? ExpiresAfter { get; init; }

    /// <summary>Absolute expiry; with <see cref="ExpiresAfter"/>, the earlier wins.</summary>
    public DateTimeOffset? ExpiresOn { get; init; }

    /// <summary>Used as a time to live.</summary>
    public TimeSpan? ExpiresSliding { get; init; }

    /// <summary>When <see langword="false"/>, the content renders and the cache is not touched.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>A profile name from <see cref="FragmentCacheMvcOptions.Profiles"/>.</summary>
    public string? Profile { get; init; }

    /// <summary>A named store; else the profile's, else the main one.</summary>
    public string? Store { get; init; }

    /// <summary>Stale-while-revalidate window; <see langword="null"/> means the core's.</summary>
    public TimeSpan? StaleWhileRevalidate { get; init; }

    /// <summary>Early recache window; <see langword="null"/> means the core's.</summary>
    public TimeSpan? EarlyRecache { get; init; }

    /// <summary>Whether the key carries the digest; <see langword="null"/> means the front end's default.</summary>
    public bool? ViewDigest { get; init; }

    /// <summary>The view file holding the tag (the tag helper's digest source).</summary>
    public string? ViewPath { get; init; }

    /// <summary>The component's child content (its digest source: the compiled component declaring it).</summary>
    public Delegate? ComponentContent { get; init; }

    /// <summary>
    /// Reads a front end's comma-separated vary attributes into rules; <see langword="null"/> when none is set, so a
    /// fragment without them allocates nothing here.
    /// </summary>
    public static VaryRules? VaryFromAttributes(string? headers, string? query, string? route, string? cookies, bool user, bool culture)
    {
        if (string.IsNullOrWhiteSpace(headers) && string.IsNullOrWhiteSpace(query) && string.IsNullOrWhiteSpace(route)
            && string.IsNullOrWhiteSpace(cookies) && !user && !culture)
        {
            return null;
        }

        // The same attributes read into the same rules on every hit of a view: read them once. The rules are only read
        // (VaryValues.Build), never changed, so one instance serves every request.
        var attributes = new VaryAttributes(headers, query, route, cookies, user, culture);
        if (ReadRules.TryGetValue(attributes, out var known))
        {
            return known;
        }

        var rules = Read(headers, query, route, cookies, user, culture);
        if (Interlocked.Increment(ref s_readRulesCount) > MaxReadRules)
        {
            ReadRules.Clear();
            Volatile.Write(ref s_readRulesCount, 1);
        }

        ReadRules.TryAdd(attributes, rules);
        return rules;
    }

    /// <summary>How many distinct attribute sets <see cref="VaryFromAttributes"/> keeps read before it starts over.</summary>
    internal const int MaxReadRules = 1024;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<VaryAttributes, VaryRules> ReadRules = new();
    private static int s_readRulesCount;

    private static VaryRules Read(string? headers, string? query, string? route, string? cookies, bool user, bool culture)
    {
        var rules = new VaryRules { User = user, Culture = culture };
        Fill(rules, headers, static r => r.Headers);
        Fill(rules, query, static r => r.QueryKeys);
        Fill(rules, route, static r => r.RouteValues);
        Fill(rules, cookies, static r => r.Cookies);
        return rules;
    }

    private readonly record struct VaryAttributes(string? Headers, string? Query, string? Route, string? Cookies, bool User, bool Culture);

    private static void Fill(VaryRules rules, string? list, Func<VaryRules, IList<string>> target)
    {
        if (string.IsNullOrWhiteSpace(list))
        {
            return;
        }

        var names = target(rules);
        foreach (var name in VaryValues.ParseList(list))
        {
            names.Add(name);
        }
    }
}
