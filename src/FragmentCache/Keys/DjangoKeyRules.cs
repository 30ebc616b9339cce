using System.Globalization;

namespace FragmentCache;

/// <summary>
/// Django's memcached key rules (<c>BaseCache.validate_key</c>, which the memcached backends raise on), applied to the
/// full key of a store in <see cref="CacheCompatibility.Django"/> mode instead of hashing: a key both sides can use is
/// used as it is, any other is refused, so Django and .NET never look for one value under two keys.
/// </summary>
internal static class DjangoKeyRules
{
    /// <summary>Django's <c>MEMCACHE_MAX_KEY_LENGTH</c>, in characters (and, the key being ASCII, in bytes).</summary>
    public const int MaxLength = 250;

    /// <summary>Throws unless <paramref name="fullKey"/> is at most 250 characters, all printable ASCII (33-126).</summary>
    /// <exception cref="ArgumentException">The key breaks a rule; the message says which.</exception>
    public static void ThrowIfIllegal(string fullKey)
    {
        if (Problem(fullKey) is { } problem)
        {
            throw new ArgumentException(
                $"The cache key '{fullKey}' {problem}. A store with Compatibility 'Django' refuses such keys instead of hashing them, so Django and .NET always agree on the key.",
                "key");
        }
    }

    /// <summary>Says what is wrong with <paramref name="fullKey"/>, or <see langword="null"/> when it is legal.</summary>
    public static string? Problem(string fullKey)
    {
        if (fullKey.Length > MaxLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"is {fullKey.Length} characters long; Django's memcached limit is {MaxLength}");
        }

        for (var i = 0; i < fullKey.Length; i++)
        {
            var c = fullKey[i];
            if (c < 33 || c == 127)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"contains the space or control character U+{(int)c:X4} at position {i}, which Django's memcached backends refuse");
            }

            if (c > 127)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"contains the non-ASCII character U+{(int)c:X4} at position {i}; Django sends such keys as UTF-8, which this mode does not, so they are refused");
            }
        }

        return null;
    }
}
