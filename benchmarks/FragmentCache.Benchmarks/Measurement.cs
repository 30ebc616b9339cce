using System.Diagnostics;

namespace FragmentCache.Benchmarks;

/// <summary>One line of the results table.</summary>
/// <param name="Name">What was measured.</param>
/// <param name="Unit">"ops/s" (one request per round trip) or "keys/s" (pipelined or batched).</param>
/// <param name="Rate">Operations or keys per second.</param>
/// <param name="P50Microseconds">Median latency of one round trip (op or batch), if measured.</param>
/// <param name="P99Microseconds">99th percentile latency, if measured.</param>
internal sealed record Measurement(string Name, string Unit, double Rate, double? P50Microseconds, double? P99Microseconds)
{
    /// <summary>What one operation cost the process, when measured.</summary>
    public Raw.OperationCounters? Counters { get; init; }
}

/// <summary>Latency samples in <see cref="Stopwatch"/> ticks, preallocated so recording never allocates.</summary>
internal sealed class LatencyRecorder(int capacity)
{
    private readonly long[] _samples = new long[capacity];
    private int _count;

    public void Record(long ticks)
    {
        if (_count < _samples.Length)
        {
            _samples[_count++] = ticks;
        }
    }

    public static (double? P50, double? P99) Percentiles(params LatencyRecorder[] recorders)
    {
        var all = new List<long>();
        foreach (var recorder in recorders)
        {
            all.AddRange(recorder._samples.AsSpan(0, recorder._count));
        }

        if (all.Count == 0)
        {
            return (null, null);
        }

        all.Sort();
        return (ToMicroseconds(all[(int)(all.Count * 0.50)]), ToMicroseconds(all[Math.Min(all.Count - 1, (int)(all.Count * 0.99))]));
    }

    private static double ToMicroseconds(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
}
