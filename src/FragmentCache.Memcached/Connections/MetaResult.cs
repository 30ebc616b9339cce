using System.Buffers;
using FragmentCache.Memcached.Protocol;

namespace FragmentCache.Memcached.Connections;

/// <summary>
/// The outcome of one meta command: the reply header plus, for a value, its own buffer, or (for a get that asked for
/// it) a <see cref="RentedValue"/> whose holder gives it back.
/// </summary>
internal readonly struct MetaResult
{
    public MetaResult(in MetaReply reply, byte[]? value, ulong number, RentedValue? rented = null)
    {
        Code = reply.Code;
        Value = value;
        Rented = rented;
        ClientFlags = reply.ClientFlags;
        Cas = reply.Cas;
        Ttl = reply.Ttl;
        Won = reply.Won;
        Stale = reply.Stale;
        TokenSent = reply.TokenSent;
        Number = number;
        ErrorMessage = reply.ErrorMessage;
    }

    public ReplyCode Code { get; }

    /// <summary>The value's own array; null for a miss and for a value received into <see cref="Rented"/>.</summary>
    public byte[]? Value { get; }

    /// <summary>The value received into a pooled array, when the get asked for one (and the value is not empty).</summary>
    public RentedValue? Rented { get; }

    /// <summary>The value's length in bytes, wherever it was received; 0 for a miss.</summary>
    public int ValueLength => Rented is { } rented ? rented.Value.Length : Value?.Length ?? 0;

    public uint ClientFlags { get; }

    public ulong Cas { get; }

    public long Ttl { get; }

    public bool Won { get; }

    public bool Stale { get; }

    public bool TokenSent { get; }

    /// <summary>The counter value of an <c>ma ... v</c> reply.</summary>
    public ulong Number { get; }

    public string? ErrorMessage { get; }

    /// <summary>
    /// The result of <paramref name="reply"/>: a value is copied out of the connection's buffer into an array of its
    /// own, or into one rented from <paramref name="pool"/> when the caller gave one.
    /// </summary>
    public static MetaResult From(in MetaReply reply, in ReadOnlySequence<byte> data, bool numeric, ArrayPool<byte>? pool = null)
    {
        if (reply.Code != ReplyCode.Value)
        {
            return new MetaResult(reply, null, 0);
        }

        if (numeric)
        {
            Span<byte> digits = stackalloc byte[32];
            if (data.Length > digits.Length)
            {
                throw new MemcachedProtocolException("Counter value is too long.");
            }

            data.CopyTo(digits);
            // memcached may pad a shrunk counter with spaces.
            var text = digits[..(int)data.Length].TrimEnd((byte)' ');
            if (!System.Buffers.Text.Utf8Parser.TryParse(text, out ulong number, out int used) || used != text.Length)
            {
                throw new MemcachedProtocolException("Counter value is not a number.");
            }

            return new MetaResult(reply, null, number);
        }

        if (pool is not null && data.Length > 0)
        {
            return new MetaResult(reply, null, 0, RentedValue.Copy(pool, data));
        }

        return new MetaResult(reply, CopyValue(data), 0);
    }

    /// <summary>A value's bytes in an array of their own.</summary>
    public static byte[] CopyValue(in ReadOnlySequence<byte> data)
    {
        // Every byte is overwritten at once: skip the zeroing (the runtime zeroes small arrays anyway).
        var value = data.Length == 0 ? [] : GC.AllocateUninitializedArray<byte>((int)data.Length);
        data.CopyTo(value);
        return value;
    }
}
