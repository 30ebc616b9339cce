using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace FragmentCache.Memcached;

/// <summary>
/// libmemcached's weighted ketama (<c>MEMCACHED_BEHAVIOR_KETAMA_WEIGHTED</c>) with equal weights, so keys go to
/// the same servers as with libmemcached, pylibmc or PHP's memcached extension.
/// </summary>
/// <remarks>
/// Each server gets 160 points on a 32-bit ring (libmemcached's float formula, which gives 160 for most server
/// counts): for <c>i = 0, 1, ...</c> the MD5 digest <c>d</c> of <c>"&lt;name&gt;-&lt;i&gt;"</c> yields four points
/// <c>d[4x] | d[4x+1] &lt;&lt; 8 | d[4x+2] &lt;&lt; 16 | d[4x+3] &lt;&lt; 24</c>. The name is the host as configured
/// when the port is 11211, otherwise <c>host:port</c> (<see cref="MemcachedEndPoint.KetamaName"/>). A key hashes to
/// the first four bytes of its MD5 (little-endian) and belongs to the first point at or above that value,
/// wrapping to the lowest point.
/// </remarks>
internal sealed class KetamaNodeLocator : INodeLocator
{
    private const int PointsPerServer = 160;
    private const int PointsPerHash = 4;

    private readonly uint[] _points;
    private readonly int[] _servers;
    private readonly int _serverCount;

    /// <summary>Builds the ring for <paramref name="ketamaNames"/> (see <see cref="MemcachedEndPoint.KetamaName"/>).</summary>
    /// <exception cref="ArgumentException"><paramref name="ketamaNames"/> is empty.</exception>
    public KetamaNodeLocator(IReadOnlyList<string> ketamaNames)
    {
        ArgumentNullException.ThrowIfNull(ketamaNames);
        if (ketamaNames.Count == 0)
        {
            throw new ArgumentException("At least one server is required.", nameof(ketamaNames));
        }

        _serverCount = ketamaNames.Count;
        int hashesPerServer = HashesPerServer(_serverCount);
        int total = _serverCount * hashesPerServer * PointsPerHash;
        _points = new uint[total];
        _servers = new int[total];

        Span<byte> digest = stackalloc byte[MD5.HashSizeInBytes];
        int n = 0;
        for (int server = 0; server < _serverCount; server++)
        {
            string name = ketamaNames[server];
            ArgumentNullException.ThrowIfNull(name, nameof(ketamaNames));
            for (int i = 0; i < hashesPerServer; i++)
            {
                MD5.HashData(Encoding.UTF8.GetBytes($"{name}-{i}"), digest);
                for (int x = 0; x < PointsPerHash; x++)
                {
                    _points[n] = BinaryPrimitives.ReadUInt32LittleEndian(digest.Slice(x * 4, 4));
                    _servers[n] = server;
                    n++;
                }
            }
        }

        // libmemcached sorts by point only (qsort); equal points from different servers are practically
        // impossible, but order them by server so the ring is deterministic anyway.
        var order = new ulong[total];
        for (int i = 0; i < total; i++)
        {
            order[i] = ((ulong)_points[i] << 32) | (uint)_servers[i];
        }

        Array.Sort(order);
        for (int i = 0; i < total; i++)
        {
            _points[i] = (uint)(order[i] >> 32);
            _servers[i] = (int)(order[i] & 0xFFFFFFFF);
        }
    }

    /// <inheritdoc/>
    public int Locate(ReadOnlySpan<byte> key)
    {
        if (_serverCount == 1)
        {
            return 0;
        }

        Span<byte> digest = stackalloc byte[MD5.HashSizeInBytes];
        MD5.HashData(key, digest);
        uint hash = BinaryPrimitives.ReadUInt32LittleEndian(digest);

        // First point >= hash (lower bound); past the end wraps to the first point.
        int left = 0;
        int right = _points.Length;
        while (left < right)
        {
            int middle = left + ((right - left) / 2);
            if (_points[middle] < hash)
            {
                left = middle + 1;
            }
            else
            {
                right = middle;
            }
        }

        return _servers[left == _points.Length ? 0 : left];
    }

    // libmemcached (hosts.cc, update_continuum): pct = weight / total_weight as float, then
    // floor((float)(pct * 160 / 4 * (float)servers + 0.0000000001)) digests. Float rounding makes this 39 instead
    // of 40 for some server counts; we reproduce it so placement stays identical.
    internal static int HashesPerServer(int serverCount)
    {
        float pct = 1f / serverCount;
        float product = pct * PointsPerServer / PointsPerHash * serverCount;
        return (int)MathF.Floor((float)(product + 0.0000000001));
    }
}
