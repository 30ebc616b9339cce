using System.Buffers;
using System.Text;

namespace FragmentCache.Memcached;

/// <summary>
/// Rendezvous (highest random weight) hashing, compatible with pymemcache's <c>RendezvousHash</c>: every
/// server scores a key as <c>murmur3_32("&lt;name&gt;-&lt;key&gt;", seed 0)</c> and the highest score wins; a tie goes
/// to the larger name (ordinal).
/// </summary>
internal sealed class RendezvousNodeLocator : INodeLocator
{
    private const int StackBufferSize = 512;

    // Each server's UTF-8 name followed by '-'.
    private readonly byte[][] _prefixes;
    private readonly string[] _names;
    private readonly int _maxPrefixLength;

    /// <summary>Builds a locator for <paramref name="names"/> (see <see cref="MemcachedEndPoint.RendezvousName"/>).</summary>
    /// <exception cref="ArgumentException"><paramref name="names"/> is empty.</exception>
    public RendezvousNodeLocator(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count == 0)
        {
            throw new ArgumentException("At least one server is required.", nameof(names));
        }

        _names = new string[names.Count];
        _prefixes = new byte[names.Count][];
        for (int i = 0; i < names.Count; i++)
        {
            string name = names[i];
            ArgumentNullException.ThrowIfNull(name, nameof(names));
            _names[i] = name;
            _prefixes[i] = Encoding.UTF8.GetBytes(name + "-");
            _maxPrefixLength = Math.Max(_maxPrefixLength, _prefixes[i].Length);
        }
    }

    /// <inheritdoc/>
    public int Locate(ReadOnlySpan<byte> key)
    {
        if (_prefixes.Length == 1)
        {
            return 0;
        }

        int needed = _maxPrefixLength + key.Length;
        byte[]? rented = null;
        Span<byte> buffer = needed <= StackBufferSize
            ? stackalloc byte[StackBufferSize]
            : (rented = ArrayPool<byte>.Shared.Rent(needed));

        try
        {
            int winner = -1;
            uint best = 0;
            for (int i = 0; i < _prefixes.Length; i++)
            {
                byte[] prefix = _prefixes[i];
                prefix.CopyTo(buffer);
                key.CopyTo(buffer[prefix.Length..]);
                uint score = Murmur3.Hash32(buffer[..(prefix.Length + key.Length)]);

                if (winner < 0 || score > best
                    || (score == best && string.CompareOrdinal(_names[i], _names[winner]) > 0))
                {
                    winner = i;
                    best = score;
                }
            }

            return winner;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
