using System.Buffers;
using FragmentCache.Memcached.Protocol;

namespace FragmentCache.Memcached.Connections;

/// <summary>The outcome of one meta command: the reply header plus, for a value, its own buffer.</summary>
internal readonly struct MetaResult
{
    public MetaResult(in MetaReply reply, byte[]? value, ulong number)
    {
        Code = reply.Code;
        Value = value;
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

    public byte[]? Value { get; }

    public uint ClientFlags { get; }

    public ulong Cas { get; }

    public long Ttl { get; }

    public bool Won { get; }

    public bool Stale { get; }

    public bool TokenSent { get; }

    /// <summary>The counter value of an <c>ma ... v</c> reply.</summary>
    public ulong Number { get; }

    public string? ErrorMessage { get; }

    public static MetaResult From(in MetaReply reply, in ReadOnlySequence<byte> data, bool numeric)
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

        // Every byte is overwritten at once: skip the zeroing (the runtime zeroes small arrays anyway).
        var value = data.Length == 0 ? [] : GC.AllocateUninitializedArray<byte>((int)data.Length);
        data.CopyTo(value);
        return new MetaResult(reply, value, 0);
    }
}
