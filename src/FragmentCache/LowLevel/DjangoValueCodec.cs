using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace FragmentCache;

/// <summary>
/// Values as Django's <c>PyMemcacheCache</c> stores them (pymemcache's <c>pickle_serde</c>): a string is UTF-8 with
/// flags 16, a byte array raw with flags 0, an integer ASCII decimal with flags 2. Any other type is refused on write; a
/// pickle (flags 1) reads as a miss with an error logged, never an exception.
/// </summary>
internal static class DjangoValueCodec
{
    public static CacheItem Encode<T>(T value, string storeName) => value switch
    {
        string s => new CacheItem(Encoding.UTF8.GetBytes(s), DjangoValueFlags.Text),
        byte[] b => new CacheItem(b, DjangoValueFlags.Bytes),
        int n => Integer(n),
        long n => Integer(n),
        short n => Integer(n),
        sbyte n => Integer(n),
        byte n => Integer(n),
        ushort n => Integer(n),
        uint n => Integer(n),
        ulong n => new CacheItem(DecimalValue.Format(n), DjangoValueFlags.Integer),
        _ => throw new NotSupportedException(
            $"Store '{storeName}' has Compatibility 'Django', which stores only what Django reads without pickle: string, byte[] "
            + $"and integers (int, long, short, sbyte and their unsigned forms); got {(value is null ? "null" : value.GetType().FullName)}."),
    };

    /// <summary>Reads a value Django (or this mode) wrote; <see langword="false"/> for a miss, logged.</summary>
    public static bool TryDecode<T>(CacheItem item, string storeName, ILogger logger, out T? value)
    {
        value = default;
        var flags = item.Flags;
        var data = item.Value.Span;

        // The order of pymemcache's python_memcache_deserializer: 0, then the text, integer, long and pickle bits.
        if (flags == DjangoValueFlags.Bytes)
        {
            return Bytes(data, out value) || Unreadable(logger, storeName, "bytes", out value);
        }

        if ((flags & DjangoValueFlags.Text) != 0)
        {
            if (typeof(T) == typeof(string) || typeof(T) == typeof(object))
            {
                value = (T)(object)Encoding.UTF8.GetString(data);
                return true;
            }

            return Bytes(data, out value) || Unreadable(logger, storeName, "str", out value);
        }

        if ((flags & (DjangoValueFlags.Integer | DjangoValueFlags.Long)) != 0)
        {
            return Integer(data, out value) || Unreadable(logger, storeName, "int", out value);
        }

        if ((flags & DjangoValueFlags.Pickle) != 0)
        {
            logger.DjangoPickleRead(storeName, typeof(T).Name);
            return false;
        }

        // Flags pymemcache does not know: it returns the bytes as they are.
        return Bytes(data, out value) || Unreadable(logger, storeName, "bytes", out value);
    }

    private static CacheItem Integer(long n) => new(Encoding.ASCII.GetBytes(n.ToString(CultureInfo.InvariantCulture)), DjangoValueFlags.Integer);

    private static bool Bytes<T>(ReadOnlySpan<byte> data, out T? value)
    {
        if (typeof(T) == typeof(byte[]) || typeof(T) == typeof(object))
        {
            value = (T)(object)data.ToArray();
            return true;
        }

        if (typeof(T) == typeof(string))
        {
            value = (T)(object)Encoding.UTF8.GetString(data);
            return true;
        }

        value = default;
        return false;
    }

    private static bool Integer<T>(ReadOnlySpan<byte> data, out T? value)
    {
        value = default;

        // memcached pads a counter that a decrement shortened with trailing spaces; Python's int() ignores them.
        data = data.TrimEnd((byte)' ');
        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        if (target == typeof(string))
        {
            value = (T)(object)Encoding.ASCII.GetString(data);
            return true;
        }

        if (data.Length == 0)
        {
            return false;
        }

        if (data[0] == (byte)'-')
        {
            if (!Utf8Parser.TryParse(data, out long negative, out var used) || used != data.Length)
            {
                return false;
            }

            return Convert(negative, target, out value);
        }

        if (!DecimalValue.TryParse(data, out var number))
        {
            return false;
        }

        if (target == typeof(ulong))
        {
            value = (T)(object)number;
            return true;
        }

        if (number > long.MaxValue)
        {
            if (target == typeof(object))
            {
                value = (T)(object)number;
                return true;
            }

            return false;
        }

        return Convert((long)number, target, out value);
    }

    private static bool Convert<T>(long number, Type target, out T? value)
    {
        value = default;
        object? converted = target switch
        {
            _ when target == typeof(long) || target == typeof(object) => number,
            _ when target == typeof(int) => number is >= int.MinValue and <= int.MaxValue ? (int)number : null,
            _ when target == typeof(short) => number is >= short.MinValue and <= short.MaxValue ? (short)number : null,
            _ when target == typeof(sbyte) => number is >= sbyte.MinValue and <= sbyte.MaxValue ? (sbyte)number : null,
            _ when target == typeof(byte) => number is >= byte.MinValue and <= byte.MaxValue ? (byte)number : null,
            _ when target == typeof(ushort) => number is >= ushort.MinValue and <= ushort.MaxValue ? (ushort)number : null,
            _ when target == typeof(uint) => number is >= uint.MinValue and <= uint.MaxValue ? (uint)number : null,
            _ when target == typeof(ulong) => number >= 0 ? (ulong)number : null,
            _ => null,
        };
        if (converted is null)
        {
            return false;
        }

        value = (T)converted;
        return true;
    }

    private static bool Unreadable<T>(ILogger logger, string storeName, string pythonType, out T? value)
    {
        logger.DjangoValueUnreadable(storeName, pythonType, typeof(T).Name);
        value = default;
        return false;
    }
}
