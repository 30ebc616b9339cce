using System.Text;
using FragmentCache.Memcached;

namespace FragmentCache.Tests.Memcached;

public class NodeLocatorTests
{
    private static readonly MemcachedEndPoint[] ReferenceServers =
    [
        MemcachedEndPoint.Parse("10.0.1.1:11211"),
        MemcachedEndPoint.Parse("10.0.1.2:11211"),
        MemcachedEndPoint.Parse("10.0.1.3:11212"),
    ];

    [Theory]
    [InlineData(MemcachedHashAlgorithm.Ketama, typeof(KetamaNodeLocator))]
    [InlineData(MemcachedHashAlgorithm.Rendezvous, typeof(RendezvousNodeLocator))]
    public void Create_Algorithm_ReturnsMatchingLocator(MemcachedHashAlgorithm algorithm, Type expected)
        => Assert.IsType(expected, NodeLocator.Create(algorithm, ReferenceServers));

    [Fact]
    public void Create_UnknownAlgorithm_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => NodeLocator.Create((MemcachedHashAlgorithm)7, ReferenceServers));

    [Theory]
    [InlineData(MemcachedHashAlgorithm.Ketama)]
    [InlineData(MemcachedHashAlgorithm.Rendezvous)]
    public void Create_NoServers_Throws(MemcachedHashAlgorithm algorithm)
        => Assert.Throws<ArgumentException>(() => NodeLocator.Create(algorithm, []));

    [Fact]
    public void MemcachedHashAlgorithm_Default_IsKetama()
        => Assert.Equal(MemcachedHashAlgorithm.Ketama, default);

    // §2.7 of the reference: ketama rows produced by libmemcached 1.1.4, rendezvous rows by pymemcache.
    [Theory]
    [InlineData("foo", "10.0.1.1:11211", "10.0.1.3:11212")]
    [InlineData("bar", "10.0.1.3:11212", "10.0.1.1:11211")]
    [InlineData("page:/index.html", "10.0.1.3:11212", "10.0.1.1:11211")]
    [InlineData("frag:header:v3", "10.0.1.1:11211", "10.0.1.3:11212")]
    [InlineData("user:42:profile", "10.0.1.3:11212", "10.0.1.3:11212")]
    [InlineData("a", "10.0.1.3:11212", "10.0.1.2:11211")]
    [InlineData("0123456789", "10.0.1.1:11211", "10.0.1.3:11212")]
    public void Locate_ReferenceVectors_MatchLibmemcachedAndPymemcache(string key, string ketama, string rendezvous)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(key);
        Assert.Equal(ketama, Server(MemcachedHashAlgorithm.Ketama, bytes));
        Assert.Equal(rendezvous, Server(MemcachedHashAlgorithm.Rendezvous, bytes));
    }

    [Fact]
    public void Locate_KetamaUtf8Key_MatchesLibmemcached()
        => Assert.Equal("10.0.1.3:11212", Server(MemcachedHashAlgorithm.Ketama, Encoding.UTF8.GetBytes("ключ")));

    [Theory]
    [InlineData(MemcachedHashAlgorithm.Ketama, 30_520, 33_686, 35_794)]
    [InlineData(MemcachedHashAlgorithm.Rendezvous, 33_421, 33_282, 33_297)]
    public void Locate_HundredThousandKeys_MatchesReferenceDistribution(
        MemcachedHashAlgorithm algorithm, int first, int second, int third)
    {
        INodeLocator locator = NodeLocator.Create(algorithm, ReferenceServers);
        int[] counts = new int[3];
        for (int i = 0; i < 100_000; i++)
        {
            counts[locator.Locate(Encoding.ASCII.GetBytes($"key:{i}"))]++;
        }

        Assert.Equal([first, second, third], counts);
    }

    [Fact]
    public void Create_ReferenceServers_UsesLibmemcachedKetamaNames()
    {
        // The same ring built from names directly (as libmemcached names them) places keys identically.
        var fromNames = new KetamaNodeLocator(["10.0.1.1", "10.0.1.2", "10.0.1.3:11212"]);
        INodeLocator fromEndPoints = NodeLocator.Create(MemcachedHashAlgorithm.Ketama, ReferenceServers);
        for (int i = 0; i < 1_000; i++)
        {
            byte[] key = Encoding.ASCII.GetBytes($"k{i}");
            Assert.Equal(fromNames.Locate(key), fromEndPoints.Locate(key));
        }
    }

    [Theory]
    [InlineData(MemcachedHashAlgorithm.Ketama)]
    [InlineData(MemcachedHashAlgorithm.Rendezvous)]
    public void Locate_SingleServer_ReturnsZero(MemcachedHashAlgorithm algorithm)
    {
        INodeLocator locator = NodeLocator.Create(algorithm, [MemcachedEndPoint.Parse("cache1")]);
        Assert.Equal(0, locator.Locate("foo"u8));
        Assert.Equal(0, locator.Locate(default));
    }

    [Theory]
    [InlineData(MemcachedHashAlgorithm.Ketama)]
    [InlineData(MemcachedHashAlgorithm.Rendezvous)]
    public void Locate_KeyLongerThanStackBuffer_ReturnsValidIndex(MemcachedHashAlgorithm algorithm)
    {
        INodeLocator locator = NodeLocator.Create(algorithm, ReferenceServers);
        byte[] key = new byte[4096];
        Array.Fill(key, (byte)'x');
        Assert.InRange(locator.Locate(key), 0, 2);
        Assert.Equal(locator.Locate(key), locator.Locate(key));
    }

    [Theory]
    [InlineData(MemcachedHashAlgorithm.Ketama)]
    [InlineData(MemcachedHashAlgorithm.Rendezvous)]
    public void Locate_WarmedUp_AllocatesNothing(MemcachedHashAlgorithm algorithm)
    {
        INodeLocator locator = NodeLocator.Create(algorithm, ReferenceServers);
        byte[] key = "frag:header:v3"u8.ToArray();
        int sum = locator.Locate(key);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000; i++)
        {
            sum += locator.Locate(key);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1_001 * locator.Locate(key), sum);
    }

    [Fact]
    public void Locate_RendezvousServerAdded_OnlyMovesKeysToNewServer()
    {
        var three = new RendezvousNodeLocator(["a:1", "b:1", "c:1"]);
        var four = new RendezvousNodeLocator(["a:1", "b:1", "c:1", "d:1"]);
        int moved = 0;
        for (int i = 0; i < 10_000; i++)
        {
            byte[] key = Encoding.ASCII.GetBytes($"key:{i}");
            int before = three.Locate(key);
            int after = four.Locate(key);
            if (before != after)
            {
                Assert.Equal(3, after);
                moved++;
            }
        }

        Assert.InRange(moved, 2_000, 3_000);
    }

    [Fact]
    public void Locate_KetamaServerAdded_OnlyMovesKeysToNewServer()
    {
        // Three and four servers both give 40 digests per server, so the old points are unchanged.
        var three = new KetamaNodeLocator(["a", "b", "c"]);
        var four = new KetamaNodeLocator(["a", "b", "c", "d"]);
        for (int i = 0; i < 10_000; i++)
        {
            byte[] key = Encoding.ASCII.GetBytes($"key:{i}");
            int after = four.Locate(key);
            Assert.True(after == 3 || after == three.Locate(key));
        }
    }

    [Theory]
    [InlineData(1, 40)]
    [InlineData(2, 40)]
    [InlineData(3, 40)]
    [InlineData(4, 40)]
    [InlineData(5, 40)]
    [InlineData(10, 40)]
    [InlineData(25, 39)]
    [InlineData(47, 39)]
    [InlineData(100, 39)]
    public void HashesPerServer_ServerCount_FollowsLibmemcachedFloatFormula(int servers, int expected)
        => Assert.Equal(expected, KetamaNodeLocator.HashesPerServer(servers));

    private static string Server(MemcachedHashAlgorithm algorithm, byte[] key)
        => ReferenceServers[NodeLocator.Create(algorithm, ReferenceServers).Locate(key)].ToString();
}
