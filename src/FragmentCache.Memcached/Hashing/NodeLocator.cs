namespace FragmentCache.Memcached;

/// <summary>
/// Creates the <see cref="INodeLocator"/> for a <see cref="MemcachedHashAlgorithm"/>.
/// </summary>
internal static class NodeLocator
{
    /// <summary>
    /// Creates a locator over <paramref name="servers"/>; <see cref="INodeLocator.Locate"/> returns indexes
    /// into this list.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="servers"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="algorithm"/> is not defined.</exception>
    public static INodeLocator Create(MemcachedHashAlgorithm algorithm, IReadOnlyList<MemcachedEndPoint> servers)
    {
        ArgumentNullException.ThrowIfNull(servers);

        var names = new string[servers.Count];
        for (int i = 0; i < names.Length; i++)
        {
            MemcachedEndPoint server = servers[i] ?? throw new ArgumentException("The server list contains null.", nameof(servers));
            names[i] = algorithm == MemcachedHashAlgorithm.Rendezvous ? server.RendezvousName : server.KetamaName;
        }

        return algorithm switch
        {
            MemcachedHashAlgorithm.Ketama => new KetamaNodeLocator(names),
            MemcachedHashAlgorithm.Rendezvous => new RendezvousNodeLocator(names),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown hash algorithm."),
        };
    }
}
