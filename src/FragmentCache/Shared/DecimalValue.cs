using System.Buffers.Text;

namespace FragmentCache;

/// <summary>Memcached's counter format: an unsigned 64-bit number in ASCII decimal.</summary>
internal static class DecimalValue
{
    public static bool TryParse(ReadOnlySpan<byte> value, out ulong number)
    {
        number = 0;
        return value.Length is > 0 and <= 20
            && Utf8Parser.TryParse(value, out number, out var consumed)
            && consumed == value.Length
            && value[0] is >= (byte)'0' and <= (byte)'9';
    }

    public static byte[] Format(ulong number)
    {
        Span<byte> buffer = stackalloc byte[20];
        Utf8Formatter.TryFormat(number, buffer, out var written);
        return buffer[..written].ToArray();
    }

    /// <summary>Memcached arithmetic: increments wrap at 2^64, decrements stop at 0.</summary>
    public static ulong Add(ulong current, long delta)
    {
        if (delta >= 0)
        {
            return unchecked(current + (ulong)delta);
        }

        var down = delta == long.MinValue ? (ulong)long.MaxValue + 1 : (ulong)-delta;
        return down >= current ? 0 : current - down;
    }
}
