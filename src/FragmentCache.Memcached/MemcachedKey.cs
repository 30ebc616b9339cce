using System.Buffers;
using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace FragmentCache.Memcached;

/// <summary>
/// Memcached key legality and the mapping from a caller's key to a key that is safe on the wire.
/// </summary>
/// <remarks>
/// <para>
/// A legal key is 1-250 characters, each in 0x21-0x7E (printable ASCII, no space). Anything else could break
/// the text protocol (space, CR/LF, NUL: key injection) or exceed the server's limit.
/// </para>
/// <para>
/// <see cref="ToWireKey"/> passes legal keys through unchanged. Every other key, and every key that contains
/// <see cref="HashMarker"/>, becomes <c>prefix + HashMarker + base64url(SHA-256(key as UTF-16))</c>, where the
/// prefix is the key's leading run of legal characters (at most <see cref="MaxReadablePrefixLength"/>, cut
/// before any marker). Passed-through keys never contain the marker and hashed keys always do, and a hashed key
/// ends in a fixed-length digest, so two different keys map to the same wire key only if SHA-256 collides.
/// </para>
/// </remarks>
internal static class MemcachedKey
{
    /// <summary>The longest key memcached accepts, in bytes (<c>KEY_MAX_LENGTH</c>).</summary>
    public const int MaxLength = 250;

    /// <summary>The text between the readable prefix and the digest of a hashed key.</summary>
    public const string HashMarker = "#sha256:";

    /// <summary>The most characters of the original key kept readable in front of a hashed key.</summary>
    public const int MaxReadablePrefixLength = 64;

    private const char FirstLegal = (char)0x21;
    private const char LastLegal = (char)0x7E;
    private const int DigestChars = 43; // base64url of 32 bytes, no padding

    // SearchValues rather than the generic *InRange helpers: those box their bounds until the JIT tiers
    // them up, which would make the hot path allocate.
    private static readonly SearchValues<char> LegalChars = SearchValues.Create(CreateLegalChars());

    /// <summary>
    /// Returns <see langword="true"/> if <paramref name="key"/> is 1-250 characters, all in 0x21-0x7E.
    /// </summary>
    public static bool IsLegal(ReadOnlySpan<char> key)
        => key.Length is > 0 and <= MaxLength && !key.ContainsAnyExcept(LegalChars);

    /// <summary>
    /// Maps <paramref name="key"/> to a legal wire key. A legal key without <see cref="HashMarker"/> is returned
    /// as the same instance (no allocation); anything else is hashed (see the class remarks).
    /// </summary>
    public static string ToWireKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);

        if (IsLegal(key) && !key.AsSpan().Contains(HashMarker, StringComparison.Ordinal))
        {
            return key;
        }

        return Hash(key);
    }

    /// <summary>
    /// Copies a wire key (as returned by <see cref="ToWireKey"/>) to <paramref name="destination"/> as ASCII
    /// and returns the number of bytes written.
    /// </summary>
    /// <exception cref="ArgumentException">The key is not legal or <paramref name="destination"/> is too small.</exception>
    public static int GetWireBytes(string wireKey, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(wireKey);
        if (!IsLegal(wireKey))
        {
            throw new ArgumentException("The key is not a legal memcached wire key.", nameof(wireKey));
        }

        if (destination.Length < wireKey.Length)
        {
            throw new ArgumentException("The destination is too small for the key.", nameof(destination));
        }

        // Every char is 0x21-0x7E (checked above), so this cannot fail.
        Ascii.FromUtf16(wireKey, destination, out int written);
        return written;
    }

    private static string Hash(string key)
    {
        ReadOnlySpan<char> chars = key;
        int prefixLength = ReadablePrefixLength(chars);

        // Hash the raw UTF-16 code units, so invalid UTF-16 (lone surrogates) never collapses to U+FFFD.
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(MemoryMarshal.AsBytes(chars), digest);

        Span<char> result = stackalloc char[MaxReadablePrefixLength + HashMarker.Length + DigestChars];
        chars[..prefixLength].CopyTo(result);
        int length = prefixLength;
        HashMarker.CopyTo(result[length..]);
        length += HashMarker.Length;
        length += Base64Url.EncodeToChars(digest, result[length..]);
        return new string(result[..length]);
    }

    private static string CreateLegalChars()
    {
        var chars = new char[LastLegal - FirstLegal + 1];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)(FirstLegal + i);
        }

        return new string(chars);
    }

    private static int ReadablePrefixLength(ReadOnlySpan<char> key)
    {
        int length = key.IndexOfAnyExcept(LegalChars);
        if (length < 0)
        {
            length = key.Length;
        }

        length = Math.Min(length, MaxReadablePrefixLength);

        // Keep the marker out of the prefix, so a hashed key contains it exactly once. The marker's first
        // character occurs nowhere else in it, so prefix + marker cannot form an earlier occurrence either.
        int marker = key[..length].IndexOf(HashMarker, StringComparison.Ordinal);
        return marker >= 0 ? marker : length;
    }
}
