using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Tests.Core;

internal static class TestClock
{
    public static FakeTimeProvider Create() => new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
}
