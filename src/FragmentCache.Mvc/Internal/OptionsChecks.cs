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

    /// <summary>A profile: a duration, if given, not negative; every header, query key, route value, cookie, callback value and tag named.</summary>
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

        var vary = profile.Vary;
        Names(failures, path + ":Vary:Headers", vary.HeadersOrNull);
        Names(failures, path + ":Vary:QueryKeys", vary.QueryKeysOrNull);
        Names(failures, path + ":Vary:RouteValues", vary.RouteValuesOrNull);
        Names(failures, path + ":Vary:Cookies", vary.CookiesOrNull);
        if (vary.ValuesOrNull is { } values)
        {
            foreach (var (name, callback) in values)
            {
                if (string.IsNullOrWhiteSpace(name))
                {
                    failures.Add($"{path}:Vary:Values has a value without a name (was '{name}').");
                }
                else if (callback is null)
                {
                    failures.Add($"{path}:Vary:Values:{name} must be a callback, not null.");
                }
            }
        }

        Names(failures, path + ":Tags", profile.Tags);
    }

    private static void Names(List<string> failures, string path, IList<string>? names)
    {
        for (var i = 0; i < (names?.Count ?? 0); i++)
        {
            if (string.IsNullOrWhiteSpace(names![i]))
            {
                failures.Add($"{path}:{i} must not be empty (was '{names[i]}').");
            }
        }
    }
}
