namespace FragmentCache.Benchmarks.Clients;

/// <summary>The client scenarios the console benchmark runs after the raw loops and memcaslap.</summary>
internal static class ClientScenarios
{
    /// <summary>Each compared with its matching raw-socket loop, and all with memcaslap.</summary>
    public static IReadOnlyList<IClientScenario> All { get; } =
    [
        new SequentialGetScenario(),
        new ConcurrentGetScenario(callers: 64),
        new GetManyScenario(batchSize: 100, callers: 1),
        new GetManyScenario(batchSize: 100, callers: 4),
    ];
}
