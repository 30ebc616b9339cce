using Microsoft.Extensions.Internal;

namespace FragmentCache;

/// <summary>Feeds a <see cref="TimeProvider"/> to <c>MemoryCache</c>, so tests can move its clock.</summary>
internal sealed class TimeProviderClock(TimeProvider timeProvider) : ISystemClock
{
    public DateTimeOffset UtcNow => timeProvider.GetUtcNow();
}
