using Microsoft.Extensions.Internal;

namespace FragmentCache.Tests.Core;

/// <summary>Lets MemoryDistributedCache follow a FakeTimeProvider.</summary>
internal sealed class FakeTimeSystemClock(TimeProvider time) : ISystemClock
{
    public DateTimeOffset UtcNow => time.GetUtcNow();
}
