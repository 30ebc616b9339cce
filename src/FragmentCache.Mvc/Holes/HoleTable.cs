using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace FragmentCache.Mvc.Holes;

/// <summary>
/// The hole table stored beside a fragment's or a page's markup (all integers big-endian):
/// <code>
/// byte    format version (1)
/// uint16  hole count, then per hole, in markup order:
///   uint32  byte offset in the markup (not decreasing)
///   byte    kind (0 = view component, 1 = Razor component)
///   string  component (uint16 length, UTF-8)
///   byte    argument count, then per argument: string name, byte type code, the value
/// </code>
/// Decoding never throws: anything malformed, or an enum type that no longer exists, is "no table", and the caller treats
/// the entry as a miss.
/// </summary>
internal static class HoleTable
{
    private const byte FormatVersion = 1;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private enum Code : byte
    {
        Null, String, Boolean, Char, Byte, SByte, Int16, UInt16, Int32, UInt32, Int64, UInt64, Single, Double, Decimal, Guid, DateTime, DateTimeOffset, TimeSpan, Enum,
    }

    /// <summary>The table for <paramref name="holes"/>; empty for none.</summary>
    public static byte[] Encode(IReadOnlyList<PlacedHole> holes)
    {
        if (holes.Count == 0)
        {
            return [];
        }

        if (holes.Count > ushort.MaxValue)
        {
            throw new InvalidOperationException($"A fragment can hold at most {ushort.MaxValue} holes.");
        }

        var buffer = new ArrayBufferWriter<byte>(64 * holes.Count);
        Byte(buffer, FormatVersion);
        UInt16(buffer, (ushort)holes.Count);
        foreach (var (offset, hole) in holes)
        {
            UInt32(buffer, (uint)offset);
            Byte(buffer, (byte)hole.Kind);
            String(buffer, hole.Component);
            if (hole.Arguments.Length > byte.MaxValue)
            {
                throw new InvalidOperationException($"{hole.Label}: a hole takes at most {byte.MaxValue} arguments.");
            }

            Byte(buffer, (byte)hole.Arguments.Length);
            foreach (var argument in hole.Arguments)
            {
                String(buffer, argument.Name);
                Value(buffer, argument.Value, hole);
            }
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a table; false (never an exception) for anything malformed, and for a markup length the offsets overrun.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> table, int markupLength, out PlacedHole[] holes)
    {
        holes = [];
        if (table.IsEmpty)
        {
            return true;
        }

        try
        {
            var reader = new Reader(table);
            if (reader.Byte() != FormatVersion)
            {
                return false;
            }

            var count = reader.UInt16();
            var result = new PlacedHole[count];
            var previous = 0;
            for (var i = 0; i < count; i++)
            {
                var offset = reader.UInt32();
                var kind = reader.Byte();
                if (offset > (uint)markupLength || offset < (uint)previous || kind > (byte)HoleKind.RazorComponent)
                {
                    return false;
                }

                var component = reader.String();
                var arguments = new HoleArgument[reader.Byte()];
                for (var a = 0; a < arguments.Length; a++)
                {
                    var name = reader.String();
                    arguments[a] = new HoleArgument(name, reader.Value());
                }

                previous = (int)offset;
                result[i] = new PlacedHole(previous, new Hole((HoleKind)kind, component, arguments));
            }

            if (!reader.AtEnd)
            {
                return false;
            }

            holes = result;
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or DecoderFallbackException or OverflowException or TypeLoadException or IOException or BadImageFormatException)
        {
            return false;
        }
    }

    private static void Value(ArrayBufferWriter<byte> buffer, object? value, Hole hole)
    {
        switch (value)
        {
            case null: Byte(buffer, (byte)Code.Null); break;
            case string s: Byte(buffer, (byte)Code.String); LongString(buffer, s); break;
            case bool b: Byte(buffer, (byte)Code.Boolean); Byte(buffer, b ? (byte)1 : (byte)0); break;
            case char c: Byte(buffer, (byte)Code.Char); UInt16(buffer, c); break;
            case byte b: Byte(buffer, (byte)Code.Byte); Byte(buffer, b); break;
            case sbyte b: Byte(buffer, (byte)Code.SByte); Byte(buffer, unchecked((byte)b)); break;
            case short n: Byte(buffer, (byte)Code.Int16); UInt16(buffer, unchecked((ushort)n)); break;
            case ushort n: Byte(buffer, (byte)Code.UInt16); UInt16(buffer, n); break;
            case int n: Byte(buffer, (byte)Code.Int32); UInt32(buffer, unchecked((uint)n)); break;
            case uint n: Byte(buffer, (byte)Code.UInt32); UInt32(buffer, n); break;
            case long n: Byte(buffer, (byte)Code.Int64); UInt64(buffer, unchecked((ulong)n)); break;
            case ulong n: Byte(buffer, (byte)Code.UInt64); UInt64(buffer, n); break;
            case float f: Byte(buffer, (byte)Code.Single); UInt32(buffer, BitConverter.SingleToUInt32Bits(f)); break;
            case double d: Byte(buffer, (byte)Code.Double); UInt64(buffer, BitConverter.DoubleToUInt64Bits(d)); break;
            case decimal m:
                Byte(buffer, (byte)Code.Decimal);
                Span<int> bits = stackalloc int[4];
                decimal.GetBits(m, bits);
                foreach (var bit in bits)
                {
                    UInt32(buffer, unchecked((uint)bit));
                }

                break;
            case Guid g: Byte(buffer, (byte)Code.Guid); g.TryWriteBytes(buffer.GetSpan(16), bigEndian: true, out _); buffer.Advance(16); break;
            case DateTime t: Byte(buffer, (byte)Code.DateTime); UInt64(buffer, unchecked((ulong)t.ToBinary())); break;
            case DateTimeOffset t: Byte(buffer, (byte)Code.DateTimeOffset); UInt64(buffer, unchecked((ulong)t.Ticks)); UInt16(buffer, unchecked((ushort)(short)t.Offset.TotalMinutes)); break;
            case TimeSpan t: Byte(buffer, (byte)Code.TimeSpan); UInt64(buffer, unchecked((ulong)t.Ticks)); break;
            case Enum e:
                Byte(buffer, (byte)Code.Enum);
                LongString(buffer, e.GetType().AssemblyQualifiedName!);
                UInt64(buffer, unchecked((ulong)Convert.ToInt64(e, System.Globalization.CultureInfo.InvariantCulture)));
                break;
            default:
                throw new InvalidOperationException($"{hole.Label}: argument value of type {value.GetType().FullName} cannot be stored.");
        }
    }

    private static void Byte(ArrayBufferWriter<byte> buffer, byte value)
    {
        buffer.GetSpan(1)[0] = value;
        buffer.Advance(1);
    }

    private static void UInt16(ArrayBufferWriter<byte> buffer, ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(buffer.GetSpan(2), value);
        buffer.Advance(2);
    }

    private static void UInt32(ArrayBufferWriter<byte> buffer, uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(buffer.GetSpan(4), value);
        buffer.Advance(4);
    }

    private static void UInt64(ArrayBufferWriter<byte> buffer, ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(buffer.GetSpan(8), value);
        buffer.Advance(8);
    }

    private static void String(ArrayBufferWriter<byte> buffer, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        if (length > ushort.MaxValue)
        {
            throw new InvalidOperationException("A hole's component or argument name is too long (over 65535 bytes).");
        }

        UInt16(buffer, (ushort)length);
        buffer.Advance(Encoding.UTF8.GetBytes(value, buffer.GetSpan(length)));
    }

    private static void LongString(ArrayBufferWriter<byte> buffer, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        UInt32(buffer, (uint)length);
        buffer.Advance(Encoding.UTF8.GetBytes(value, buffer.GetSpan(length)));
    }

    /// <summary>Reads the table; every read past the end throws <see cref="FormatException"/>.</summary>
    private ref struct Reader(ReadOnlySpan<byte> span)
    {
        private readonly ReadOnlySpan<byte> _span = span;
        private int _at;

        public readonly bool AtEnd => _at == _span.Length;

        public byte Byte() => Take(1)[0];

        public ushort UInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

        public uint UInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

        public ulong UInt64() => BinaryPrimitives.ReadUInt64BigEndian(Take(8));

        public string String() => StrictUtf8.GetString(Take(UInt16()));

        public string LongString()
        {
            var length = UInt32();
            return length > int.MaxValue ? throw new FormatException() : StrictUtf8.GetString(Take((int)length));
        }

        public object? Value()
        {
            switch ((Code)Byte())
            {
                case Code.Null: return null;
                case Code.String: return LongString();
                case Code.Boolean: return Byte() switch { 0 => false, 1 => true, _ => throw new FormatException() };
                case Code.Char: return (char)UInt16();
                case Code.Byte: return Byte();
                case Code.SByte: return unchecked((sbyte)Byte());
                case Code.Int16: return unchecked((short)UInt16());
                case Code.UInt16: return UInt16();
                case Code.Int32: return unchecked((int)UInt32());
                case Code.UInt32: return UInt32();
                case Code.Int64: return unchecked((long)UInt64());
                case Code.UInt64: return UInt64();
                case Code.Single: return BitConverter.UInt32BitsToSingle(UInt32());
                case Code.Double: return BitConverter.UInt64BitsToDouble(UInt64());
                case Code.Decimal: return new decimal([unchecked((int)UInt32()), unchecked((int)UInt32()), unchecked((int)UInt32()), unchecked((int)UInt32())]);
                case Code.Guid: return new Guid(Take(16), bigEndian: true);
                case Code.DateTime: return DateTime.FromBinary(unchecked((long)UInt64()));
                case Code.DateTimeOffset:
                    var ticks = unchecked((long)UInt64());
                    return new DateTimeOffset(ticks, TimeSpan.FromMinutes(unchecked((short)UInt16())));
                case Code.TimeSpan: return new TimeSpan(unchecked((long)UInt64()));
                case Code.Enum:
                    var type = Type.GetType(LongString(), throwOnError: false);
                    var raw = unchecked((long)UInt64());
                    return type is { IsEnum: true } ? Enum.ToObject(type, raw) : throw new FormatException();
                default: throw new FormatException();
            }
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count < 0 || _span.Length - _at < count)
            {
                throw new FormatException();
            }

            var slice = _span.Slice(_at, count);
            _at += count;
            return slice;
        }
    }
}
