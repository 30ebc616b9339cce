using FragmentCache.Memcached;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Tests.Memcached;

public class MemcachedTtlTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    public static TheoryData<TimeSpan?, long> RelativeCases => new()
    {
        { null, 0 },
        { Timeout.InfiniteTimeSpan, 0 },
        { TimeSpan.Zero, -1 },
        { TimeSpan.FromTicks(-1), -1 },
        { TimeSpan.FromSeconds(-5), -1 },
        { TimeSpan.MinValue, -1 },
        { TimeSpan.FromTicks(1), 1 },
        { TimeSpan.FromMilliseconds(200), 1 },
        { TimeSpan.FromSeconds(1), 1 },
        { TimeSpan.FromMilliseconds(1001), 2 },
        { TimeSpan.FromMinutes(5), 300 },
        { TimeSpan.FromDays(30), 2_592_000 },
        { TimeSpan.FromDays(30) - TimeSpan.FromMilliseconds(1), 2_592_000 },
    };

    [Theory]
    [MemberData(nameof(RelativeCases))]
    public void ToWire_UpToThirtyDays_ReturnsRelativeSecondsRoundedUp(TimeSpan? expiration, long expected)
        => Assert.Equal(expected, MemcachedTtl.ToWire(expiration, new FakeTimeProvider(Now)));

    [Theory]
    [InlineData(30 * 86_400_000L + 1, 2_592_001)]
    [InlineData(30 * 86_400_000L + 1000, 2_592_001)]
    [InlineData(31 * 86_400_000L, 2_678_400)]
    [InlineData(365 * 86_400_000L, 31_536_000)]
    public void ToWire_BeyondThirtyDays_ReturnsAbsoluteUnixTime(long milliseconds, long secondsFromNow)
    {
        long expected = Now.ToUnixTimeSeconds() + secondsFromNow;
        Assert.Equal(expected, MemcachedTtl.ToWire(TimeSpan.FromMilliseconds(milliseconds), new FakeTimeProvider(Now)));
    }

    [Fact]
    public void ToWire_BeyondThirtyDays_FollowsTheClock()
    {
        var time = new FakeTimeProvider(Now);
        long before = MemcachedTtl.ToWire(TimeSpan.FromDays(40), time);
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(before + 3600, MemcachedTtl.ToWire(TimeSpan.FromDays(40), time));
    }

    [Fact]
    public void ToWire_SubSecondClock_RoundsAbsoluteTimeUp()
    {
        var time = new FakeTimeProvider(Now.AddMilliseconds(500));
        Assert.Equal(Now.ToUnixTimeSeconds() + 2_678_401, MemcachedTtl.ToWire(TimeSpan.FromDays(31), time));
    }

    [Fact]
    public void ToWire_Huge_CapsAtInt32Max()
    {
        var time = new FakeTimeProvider(Now);
        Assert.Equal(int.MaxValue, MemcachedTtl.ToWire(TimeSpan.MaxValue, time));
        Assert.Equal(int.MaxValue, MemcachedTtl.ToWire(TimeSpan.FromDays(365 * 100), time));
    }

    [Fact]
    public void ToWire_NullTimeProvider_Throws()
        => Assert.Throws<ArgumentNullException>(() => MemcachedTtl.ToWire(TimeSpan.FromSeconds(1), null!));

    [Fact]
    public void MaxRelativeSeconds_IsThirtyDays()
        => Assert.Equal(2_592_000, MemcachedTtl.MaxRelativeSeconds);
}
