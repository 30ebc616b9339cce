using System.Buffers;

namespace FragmentCache.Tests.Infrastructure;

/// <summary>
/// An array pool that checks its callers: every rent is a new array (nothing is ever handed out twice), every return is
/// of an array it rented and not yet returned (else the error is recorded), and a returned array is overwritten with
/// <see cref="Poison"/> at once, so a reader still holding it reads poison instead of the value.
/// </summary>
public sealed class CheckingArrayPool : ArrayPool<byte>
{
    /// <summary>What a returned array is filled with.</summary>
    public const byte Poison = 0xDD;

    private readonly object _gate = new();
    private readonly HashSet<byte[]> _out = new(ReferenceEqualityComparer.Instance);
    private readonly List<string> _errors = [];
    private int _rented;
    private int _returned;

    /// <summary>Arrays rented so far.</summary>
    public int Rented => Volatile.Read(ref _rented);

    /// <summary>Arrays returned so far.</summary>
    public int Returned => Volatile.Read(ref _returned);

    /// <summary>Arrays rented and not returned yet.</summary>
    public int Outstanding
    {
        get
        {
            lock (_gate)
            {
                return _out.Count;
            }
        }
    }

    /// <summary>Returns of arrays this pool did not rent, or returned twice.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_gate)
            {
                return [.. _errors];
            }
        }
    }

    public override byte[] Rent(int minimumLength)
    {
        var array = new byte[minimumLength];
        lock (_gate)
        {
            _out.Add(array);
        }

        Interlocked.Increment(ref _rented);
        return array;
    }

    public override void Return(byte[] array, bool clearArray = false)
    {
        ArgumentNullException.ThrowIfNull(array);
        lock (_gate)
        {
            if (!_out.Remove(array))
            {
                _errors.Add($"An array of {array.Length} bytes was returned that is not out (returned twice, or never rented here).");
                return;
            }
        }

        array.AsSpan().Fill(Poison);
        Interlocked.Increment(ref _returned);
    }
}
