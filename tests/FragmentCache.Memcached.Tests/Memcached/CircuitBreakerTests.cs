using FragmentCache.Memcached.Connections;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Tests.Memcached;

public sealed class CircuitBreakerTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private CircuitBreaker Create() => new(threshold: 3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8), _time);

    [Fact]
    public void OnFailure_BelowThreshold_StaysClosed_SuccessResetsTheCount()
    {
        var breaker = Create();
        Assert.False(breaker.OnFailure());
        Assert.False(breaker.OnFailure());
        breaker.OnSuccess();
        Assert.False(breaker.OnFailure());
        Assert.False(breaker.OnFailure());
        Assert.True(breaker.AllowsRequests);
        Assert.True(breaker.OnFailure());
        Assert.False(breaker.AllowsRequests);
    }

    [Fact]
    public void Open_ProbeOnlyAfterTheJitteredBreak_AndOnlyOnce()
    {
        var breaker = Create();
        for (int i = 0; i < 3; i++)
        {
            breaker.OnFailure();
        }

        Assert.False(breaker.TryBeginProbe());
        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(breaker.TryBeginProbe());
        _time.Advance(TimeSpan.FromMilliseconds(502));
        Assert.True(breaker.TryBeginProbe());
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
        Assert.False(breaker.TryBeginProbe());
        Assert.False(breaker.AllowsRequests);
        Assert.True(breaker.OnSuccess());
        Assert.True(breaker.AllowsRequests);
    }

    [Fact]
    public void FailedProbes_DoubleTheBreakUpToTheMaximum()
    {
        var breaker = Create();
        for (int i = 0; i < 3; i++)
        {
            breaker.OnFailure();
        }

        var breaks = new List<TimeSpan>();
        for (int round = 0; round < 6; round++)
        {
            var opened = _time.GetUtcNow();
            breaks.Add(breaker.OpenUntil - opened);
            _time.Advance(breaker.OpenUntil - opened);
            Assert.True(breaker.TryBeginProbe());
            Assert.True(breaker.OnFailure());
        }

        // Each break lies in [d/2, d] for d = 1, 2, 4, 8, 8, 8 seconds.
        double[] caps = [1, 2, 4, 8, 8, 8];
        for (int i = 0; i < caps.Length; i++)
        {
            Assert.InRange(breaks[i].TotalSeconds, caps[i] / 2, caps[i]);
        }
    }

    [Fact]
    public void Flapping_ReopeningSoonAfterClosing_KeepsTheLongerBreak()
    {
        var breaker = Create();
        for (int i = 0; i < 3; i++)
        {
            breaker.OnFailure();
        }

        _time.Advance(breaker.OpenUntil - _time.GetUtcNow());
        breaker.TryBeginProbe();
        breaker.OnFailure();                     // second open: break up to 2 s
        _time.Advance(breaker.OpenUntil - _time.GetUtcNow());
        breaker.TryBeginProbe();
        breaker.OnSuccess();                     // closed...
        _time.Advance(TimeSpan.FromSeconds(1));
        for (int i = 0; i < 3; i++)
        {
            breaker.OnFailure();                 // ...and down again at once: flapping
        }

        Assert.InRange((breaker.OpenUntil - _time.GetUtcNow()).TotalSeconds, 2, 4);

        // A server that stayed up for a long while starts over at the base break.
        _time.Advance(breaker.OpenUntil - _time.GetUtcNow());
        breaker.TryBeginProbe();
        breaker.OnSuccess();
        _time.Advance(TimeSpan.FromMinutes(5));
        for (int i = 0; i < 3; i++)
        {
            breaker.OnFailure();
        }

        Assert.InRange((breaker.OpenUntil - _time.GetUtcNow()).TotalSeconds, 0.5, 1);
    }
}
