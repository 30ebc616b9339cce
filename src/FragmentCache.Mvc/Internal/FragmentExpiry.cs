using System.Globalization;

namespace FragmentCache.Mvc.Internal;

/// <summary>The time to live of a fragment, the same for <c>&lt;memcache-fragment&gt;</c> and <c>&lt;MemcacheFragment&gt;</c>.</summary>
internal static class FragmentExpiry
{
    /// <summary>
    /// Throws when <paramref name="after"/> or <paramref name="sliding"/> is negative: the core would read it as "render every
    /// time", a silent never-cache. <see cref="Timeout.InfiniteTimeSpan"/> (never expires) is allowed.
    /// </summary>
    public static void Validate(bool component, string name, TimeSpan? after, TimeSpan? sliding)
    {
        Check(component, name, component ? "ExpiresAfter" : "expires-after", after);
        Check(component, name, component ? "ExpiresSliding" : "expires-sliding", sliding);
    }

    /// <summary>
    /// <paramref name="on"/> (zero once past; the earlier of it and <paramref name="after"/> when both are set), else
    /// <paramref name="after"/>, else <paramref name="sliding"/> as a plain time to live, else the profile's duration.
    /// </summary>
    public static TimeSpan? Compute(TimeSpan? after, DateTimeOffset? on, TimeSpan? sliding, CacheProfile? profile, TimeProvider time)
    {
        if (on is { } until)
        {
            var left = until - time.GetUtcNow();
            var expiration = left > TimeSpan.Zero ? left : TimeSpan.Zero;
            return after is { } a && a != Timeout.InfiniteTimeSpan && a < expiration ? a : expiration;
        }

        return after ?? sliding ?? profile?.Duration;
    }

    /// <summary>The fragment as its author wrote it, for error messages: the tag or the component with its name.</summary>
    public static string Owner(bool component, string name)
        => component ? $"<MemcacheFragment Name=\"{name}\">" : $"<memcache-fragment name=\"{name}\">";

    private static void Check(bool component, string name, string attribute, TimeSpan? value)
    {
        if (value is { } v && v < TimeSpan.Zero && v != Timeout.InfiniteTimeSpan)
        {
            throw new InvalidOperationException(
                $"{Owner(component, name)}: {attribute} is negative ({v.ToString("c", CultureInfo.InvariantCulture)}). Use a positive time to live, "
                + "zero to render it every time, or Timeout.InfiniteTimeSpan for no expiry.");
        }
    }
}
