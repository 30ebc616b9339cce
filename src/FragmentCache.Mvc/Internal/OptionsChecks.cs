namespace FragmentCache.Mvc.Internal;

/// <summary>Checks shared by the MVC layer's option validators.</summary>
internal static class OptionsChecks
{
    /// <summary>Whether <paramref name="name"/> is an HTTP header name (an RFC 9110 token).</summary>
    public static bool IsHeaderName(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A profile: a duration, if given, not negative; every header, cookie, query key and tag named.</summary>
    public static void Profile(List<string> failures, string path, CacheProfile? profile)
    {
        if (profile is null)
        {
            failures.Add($"{path} must not be empty.");
            return;
        }

        if (profile.Duration is { } duration && duration < TimeSpan.Zero && duration != Timeout.InfiniteTimeSpan)
        {
            failures.Add($"{path}:Duration must not be negative (was {duration}).");
        }

        Names(failures, path + ":VaryByHeaders", profile.VaryByHeaders);
        Names(failures, path + ":VaryByCookies", profile.VaryByCookies);
        Names(failures, path + ":VaryByQueryKeys", profile.VaryByQueryKeys);
        Names(failures, path + ":Tags", profile.Tags);
    }

    private static void Names(List<string> failures, string path, IList<string> names)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(names[i]))
            {
                failures.Add($"{path}:{i} must not be empty (was '{names[i]}').");
            }
        }
    }
}
