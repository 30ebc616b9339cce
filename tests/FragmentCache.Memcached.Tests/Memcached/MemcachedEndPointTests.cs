using System.Net;
using System.Net.Sockets;
using FragmentCache.Memcached;

namespace FragmentCache.Tests.Memcached;

public class MemcachedEndPointTests
{
    [Theory]
    [InlineData("cache1:11212", "cache1", 11212, "cache1:11212")]
    [InlineData("cache1", "cache1", 11211, "cache1:11211")]
    [InlineData("  cache1.example.com:1  ", "cache1.example.com", 1, "cache1.example.com:1")]
    [InlineData("my_cache-2:65535", "my_cache-2", 65535, "my_cache-2:65535")]
    [InlineData("localhost", "localhost", 11211, "localhost:11211")]
    [InlineData("10.0.1.1:11211", "10.0.1.1", 11211, "10.0.1.1:11211")]
    [InlineData("127.0.0.1", "127.0.0.1", 11211, "127.0.0.1:11211")]
    [InlineData("0.0.0.0:1", "0.0.0.0", 1, "0.0.0.0:1")]
    [InlineData("1.2.3.4a", "1.2.3.4a", 11211, "1.2.3.4a:11211")]
    [InlineData("[::1]:11212", "::1", 11212, "[::1]:11212")]
    [InlineData("[::1]", "::1", 11211, "[::1]:11211")]
    [InlineData("[2001:db8::7]:4000", "2001:db8::7", 4000, "[2001:db8::7]:4000")]
    [InlineData("cache1:011212", "cache1", 11212, "cache1:11212")]
    public void Parse_TcpAddress_ReturnsHostPortAndCanonicalForm(string text, string host, int port, string canonical)
    {
        MemcachedEndPoint endPoint = MemcachedEndPoint.Parse(text);
        Assert.Equal(host, endPoint.Host);
        Assert.Equal(port, endPoint.Port);
        Assert.Null(endPoint.UnixSocketPath);
        Assert.False(endPoint.IsUnixSocket);
        Assert.Equal(canonical, endPoint.ToString());
    }

    [Theory]
    [InlineData("unix:/var/run/memcached.sock", "/var/run/memcached.sock")]
    [InlineData(" unix:/tmp/m.sock ", "/tmp/m.sock")]
    [InlineData("UNIX:/tmp/m.sock", "/tmp/m.sock")]
    public void Parse_UnixSocket_ReturnsPath(string text, string path)
    {
        MemcachedEndPoint endPoint = MemcachedEndPoint.Parse(text);
        Assert.True(endPoint.IsUnixSocket);
        Assert.Equal(path, endPoint.UnixSocketPath);
        Assert.Null(endPoint.Host);
        Assert.Equal(0, endPoint.Port);
        Assert.Equal("unix:" + path, endPoint.ToString());
    }

    [Theory]
    [InlineData("", "the address is empty")]
    [InlineData("   ", "the address is empty")]
    [InlineData("cache1:99999", "the port must be 1-65535")]
    [InlineData("cache1:0", "the port must be 1-65535")]
    [InlineData("cache1:", "the port must be 1-65535")]
    [InlineData("cache1:-1", "the port must be 1-65535")]
    [InlineData("cache1:+80", "the port must be 1-65535")]
    [InlineData("cache1: 80", "the port must be 1-65535")]
    [InlineData("cache1:80x", "the port must be 1-65535")]
    [InlineData("cache1:99999999999999999999", "the port must be 1-65535")]
    [InlineData(":11211", "the host is empty")]
    [InlineData("::1", "brackets")]
    [InlineData("2001:db8::1:11211", "brackets")]
    [InlineData("[::1", "closing ']'")]
    [InlineData("[::1]x", "only ':port'")]
    [InlineData("[::1]:", "the port must be 1-65535")]
    [InlineData("[::1]:70000", "the port must be 1-65535")]
    [InlineData("[10.0.0.1]:11211", "not an IPv6 address")]
    [InlineData("[cache1]", "not an IPv6 address")]
    [InlineData("cache 1", "the character ' '")]
    [InlineData("cache1/x", "the character '/'")]
    [InlineData("http://cache1", "the port must be 1-65535")]
    [InlineData("http://cache1:80", "brackets")]
    [InlineData("cache..example", "empty or overlong part")]
    [InlineData("cache1.", "empty or overlong part")]
    [InlineData("1.2.3", "neither an IPv4 address")]
    [InlineData("1.2.3.256", "neither an IPv4 address")]
    [InlineData("1.2.3.4.5", "neither an IPv4 address")]
    [InlineData("12345", "neither an IPv4 address")]
    [InlineData("010.0.0.1", "neither an IPv4 address")]
    [InlineData("09.0.0.1:11211", "neither an IPv4 address")]
    [InlineData("unix:", "must be absolute")]
    [InlineData("unix:/", "must be absolute")]
    [InlineData("unix:relative.sock", "must be absolute")]
    [InlineData("unix:/tmp/a\nb.sock", "control character")]
    public void TryParse_Invalid_ReturnsFalseWithReason(string text, string reason)
    {
        Assert.False(MemcachedEndPoint.TryParse(text, out MemcachedEndPoint? endPoint, out string? error));
        Assert.Null(endPoint);
        Assert.StartsWith($"'{text}' is not a valid Memcached server address: ", error, StringComparison.Ordinal);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.EndsWith("Use host:port, [ipv6]:port or unix:/path/to.sock.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_Null_ReturnsFalse()
    {
        Assert.False(MemcachedEndPoint.TryParse(null, out MemcachedEndPoint? endPoint, out string? error));
        Assert.Null(endPoint);
        Assert.StartsWith("(null) is not a valid Memcached server address", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_Valid_ReturnsTrueWithoutError()
    {
        Assert.True(MemcachedEndPoint.TryParse("cache1:11212", out MemcachedEndPoint? endPoint, out string? error));
        Assert.Equal("cache1:11212", endPoint.ToString());
        Assert.Null(error);
    }

    [Fact]
    public void TryParse_LongHostAndUnixPath_AreLimited()
    {
        string label = new('a', 63);
        Assert.True(MemcachedEndPoint.TryParse($"{label}.{label}", out _, out _));
        Assert.False(MemcachedEndPoint.TryParse(new string('a', 64), out _, out _));
        Assert.False(MemcachedEndPoint.TryParse($"{label}.{label}.{label}.{label}", out _, out _));
        Assert.True(MemcachedEndPoint.TryParse("unix:/" + new string('s', 106), out _, out _));
        Assert.False(MemcachedEndPoint.TryParse("unix:/" + new string('s', 107), out _, out _));
    }

    [Fact]
    public void Parse_BadPort_ThrowsFormatExceptionNamingValue()
    {
        var ex = Assert.Throws<FormatException>(() => MemcachedEndPoint.Parse("cache1:99999"));
        Assert.Equal(
            "'cache1:99999' is not a valid Memcached server address: the port must be 1-65535. Use host:port, [ipv6]:port or unix:/path/to.sock.",
            ex.Message);
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNull()
        => Assert.Throws<ArgumentNullException>(() => MemcachedEndPoint.Parse(null!));

    [Theory]
    [InlineData("10.0.1.1:11211", "10.0.1.1", "10.0.1.1:11211")]
    [InlineData("10.0.1.3:11212", "10.0.1.3:11212", "10.0.1.3:11212")]
    [InlineData("cache1", "cache1", "cache1:11211")]
    [InlineData("Cache1:2", "Cache1:2", "Cache1:2")]
    [InlineData("[::1]", "::1", "::1:11211")]
    [InlineData("[::1]:7", "::1:7", "::1:7")]
    [InlineData("unix:/tmp/m.sock", "/tmp/m.sock", "/tmp/m.sock")]
    public void Names_Address_FollowLibmemcachedAndPymemcache(string text, string ketama, string rendezvous)
    {
        MemcachedEndPoint endPoint = MemcachedEndPoint.Parse(text);
        Assert.Equal(ketama, endPoint.KetamaName);
        Assert.Equal(rendezvous, endPoint.RendezvousName);
    }

    [Fact]
    public void ToEndPoint_Ipv4_ReturnsIPEndPoint()
    {
        var ip = Assert.IsType<IPEndPoint>(MemcachedEndPoint.Parse("10.0.1.1:11212").ToEndPoint());
        Assert.Equal(IPAddress.Parse("10.0.1.1"), ip.Address);
        Assert.Equal(11212, ip.Port);
    }

    [Fact]
    public void ToEndPoint_Ipv6_ReturnsIPEndPoint()
    {
        var ip = Assert.IsType<IPEndPoint>(MemcachedEndPoint.Parse("[::1]").ToEndPoint());
        Assert.Equal(IPAddress.IPv6Loopback, ip.Address);
        Assert.Equal(11211, ip.Port);
    }

    [Fact]
    public void ToEndPoint_HostName_ReturnsDnsEndPoint()
    {
        var dns = Assert.IsType<DnsEndPoint>(MemcachedEndPoint.Parse("cache1:7").ToEndPoint());
        Assert.Equal("cache1", dns.Host);
        Assert.Equal(7, dns.Port);
    }

    [Fact]
    public void ToEndPoint_UnixSocket_ReturnsUnixDomainSocketEndPoint()
    {
        var unix = Assert.IsType<UnixDomainSocketEndPoint>(MemcachedEndPoint.Parse("unix:/tmp/m.sock").ToEndPoint());
        Assert.Equal("/tmp/m.sock", unix.ToString());
    }

    [Fact]
    public void ToEndPoint_CalledTwice_ReturnsIndependentInstances()
    {
        MemcachedEndPoint endPoint = MemcachedEndPoint.Parse("10.0.1.1");
        var first = (IPEndPoint)endPoint.ToEndPoint();
        first.Port = 1;
        Assert.Equal(11211, ((IPEndPoint)endPoint.ToEndPoint()).Port);
    }

    [Theory]
    [InlineData("cache1", "cache1:11211", true)]
    [InlineData(" cache1:11211", "cache1:11211 ", true)]
    [InlineData("[::1]", "[::1]:11211", true)]
    [InlineData("cache1", "cache1:11212", false)]
    [InlineData("cache1", "Cache1", false)]
    [InlineData("unix:/a.sock", "UNIX:/a.sock", true)]
    [InlineData("unix:/a.sock", "unix:/b.sock", false)]
    public void Equals_CanonicalForms_ComparesOrdinal(string left, string right, bool expected)
    {
        MemcachedEndPoint a = MemcachedEndPoint.Parse(left);
        MemcachedEndPoint b = MemcachedEndPoint.Parse(right);
        Assert.Equal(expected, a.Equals(b));
        Assert.Equal(expected, a.Equals((object)b));
        if (expected)
        {
            Assert.Equal(a.GetHashCode(), b.GetHashCode());
        }
    }

    [Fact]
    public void Equals_Null_ReturnsFalse()
    {
        MemcachedEndPoint endPoint = MemcachedEndPoint.Parse("cache1");
        Assert.False(endPoint.Equals(null));
        Assert.False(endPoint.Equals((object?)"cache1:11211"));
    }

    [Fact]
    public void DefaultPort_Is11211()
        => Assert.Equal(11211, MemcachedEndPoint.DefaultPort);
}
