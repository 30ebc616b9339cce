using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace FragmentCache.Benchmarks.Raw;

/// <summary>
/// The ceiling for a client API: the raw socket work of a raw loop, plus what any async get API must add, in the same
/// caller shape as a client scenario (<paramref name="Callers"/> async loops, each awaiting one get at a time, spread over
/// <paramref name="Connections"/> connections; see <see cref="AwaitingCallerConnection"/>).
/// </summary>
/// <param name="Connections">Sockets, each with its own reader.</param>
/// <param name="Callers">Awaiting caller loops (spread evenly over the connections).</param>
/// <param name="ClientWire">Requests as the client writes a get (<c>mg key f v k O&lt;n&gt;</c>) rather than <c>mg key v</c>.</param>
internal sealed record CeilingShape(int Connections, int Callers, bool ClientWire = false)
{
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"ceiling: {Connections} conn{(Connections == 1 ? "" : "s")} x {Callers} awaiting caller{(Callers == 1 ? "" : "s")}{(ClientWire ? ", client's request" : "")}");
}

/// <summary>Runs a <see cref="CeilingShape"/> over preloaded keys.</summary>
internal static class CeilingLoops
{
    private const int MaxSamples = 4_000_000;
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    public static async Task<Measurement> RunAsync(CeilingShape shape, IPEndPoint server, int keyCount, int valueSize, TimeSpan warmup, TimeSpan duration, CancellationToken cancellationToken)
    {
        var connections = new AwaitingCallerConnection[shape.Connections];
        try
        {
            for (var i = 0; i < connections.Length; i++)
            {
                connections[i] = await AwaitingCallerConnection.ConnectAsync(server, keyCount, valueSize, shape.ClientWire, cancellationToken);
            }

            await RunCallersAsync(shape, connections, valueSize, warmup, null, cancellationToken);
            var recorders = Enumerable.Range(0, shape.Callers).Select(_ => new LatencyRecorder(shape.Callers == 1 ? MaxSamples : 0)).ToArray();
            var counters = ProcessCounters.Take(AwaitingCallerConnection.s_writes, AwaitingCallerConnection.s_reads);
            var started = Stopwatch.GetTimestamp();
            var gets = await RunCallersAsync(shape, connections, valueSize, duration, recorders, cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(started);
            var perOp = ProcessCounters.Take(AwaitingCallerConnection.s_writes, AwaitingCallerConnection.s_reads).PerOperation(counters, gets);
            if (ProcessCounters.Enabled)
            {
                Console.Write($" [{perOp}]");
            }

            var (p50, p99) = LatencyRecorder.Percentiles(recorders);
            return new Measurement(shape.Describe(), shape.Callers == 1 ? "ops/s" : "keys/s", gets / elapsed.TotalSeconds, p50, p99) { Counters = perOp };
        }
        finally
        {
            foreach (var connection in connections)
            {
                connection?.Dispose();
            }
        }
    }

    private static async Task<long> RunCallersAsync(CeilingShape shape, AwaitingCallerConnection[] connections, int valueSize, TimeSpan duration,
        LatencyRecorder[]? recorders, CancellationToken cancellationToken)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var callers = Enumerable.Range(0, shape.Callers).Select(i => Task.Run(
            () => CallerAsync(connections[i % connections.Length], i * 37, valueSize, end, recorders?[i], cancellationToken), cancellationToken)).ToArray();
        var counts = await Task.WhenAll(callers).WaitAsync(duration + Grace, cancellationToken);
        return counts.Sum();
    }

    /// <summary>One caller: one get at a time, each awaited, each value checked, until <paramref name="end"/>.</summary>
    private static async Task<long> CallerAsync(AwaitingCallerConnection connection, int key, int valueSize, long end, LatencyRecorder? recorder, CancellationToken cancellationToken)
    {
        var caller = new AwaitingCallerConnection.Caller();
        long gets = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var before = Stopwatch.GetTimestamp();
            if (before >= end)
            {
                break;
            }

            var value = await connection.GetAsync(key++ % connection.KeyCount, caller);
            if (value.Length != valueSize)
            {
                throw new InvalidOperationException("The ceiling loop read a wrong value.");
            }

            recorder?.Record(Stopwatch.GetTimestamp() - before);
            gets++;
        }

        return gets;
    }
}
