using FragmentCache.Benchmarks.Raw;

namespace FragmentCache.Benchmarks.Clients;

/// <summary>
/// One way of driving our Memcached client against the benchmark's server, compared with the raw loop named by
/// <see cref="Baseline"/> and with memcaslap.
/// </summary>
internal interface IClientScenario
{
    /// <summary>Shown in the results table.</summary>
    string Name { get; }

    /// <summary>The raw-socket loop this scenario is compared with.</summary>
    RawLoopKind Baseline { get; }

    /// <summary>The raw loop with this scenario's caller shape (awaiting callers), or null where none is built.</summary>
    CeilingShape? Ceiling { get; }

    /// <summary>A raw loop that does what this scenario's API must do beyond the baseline (e.g. copy each value), or null.</summary>
    RawLoopKind? RawCeiling => null;

    /// <summary>Runs for about <paramref name="duration"/> against <paramref name="serverAddress"/>
    /// (<c>127.0.0.1:PORT</c>, keys <c>key:0</c>..<c>key:999</c> preloaded with 1 KB values).</summary>
    Task<ScenarioResult> RunAsync(string serverAddress, TimeSpan duration, CancellationToken cancellationToken);
}

/// <summary>What a client scenario measured.</summary>
/// <param name="Operations">Calls completed (a get-many of 100 keys is one call).</param>
/// <param name="Keys">Keys fetched (equal to <paramref name="Operations"/> for single gets).</param>
/// <param name="Elapsed">Wall-clock time of the measured part.</param>
/// <param name="P50Microseconds">Median latency of one call, if measured.</param>
/// <param name="P99Microseconds">99th percentile latency of one call, if measured.</param>
internal sealed record ScenarioResult(long Operations, long Keys, TimeSpan Elapsed, double? P50Microseconds, double? P99Microseconds)
{
    /// <summary>What one operation cost the process.</summary>
    public OperationCounters? Counters { get; init; }
}
