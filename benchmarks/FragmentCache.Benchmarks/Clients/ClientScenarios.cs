namespace FragmentCache.Benchmarks.Clients;

/// <summary>The client scenarios the console benchmark runs after the raw loops and memcaslap.</summary>
internal static class ClientScenarios
{
    /// <summary>
    /// Empty until the client (src/FragmentCache/Memcached) lands. Then add, each with its matching baseline:
    /// <list type="bullet">
    /// <item>one caller, one request at a time (GetAsync in a loop) - vs <c>RawLoopKind.OneConnectionDepth1</c>;</item>
    /// <item>64 concurrent callers on one client instance (multiplexing) - vs <c>RawLoopKind.OneConnectionDepth64</c>;</item>
    /// <item>get-many of 100 keys - vs <c>RawLoopKind.TwoConnectionsDepth64</c> (keys/s).</item>
    /// </list>
    /// </summary>
    public static IReadOnlyList<IClientScenario> All { get; } = [];
}
