using System.Diagnostics;
using System.Net;

namespace FragmentCache.Benchmarks.Raw;

/// <summary>The three raw-socket loops a client is measured against.</summary>
internal enum RawLoopKind
{
    /// <summary>1 connection, 1 request in flight (ops/s, per-op latency).</summary>
    OneConnectionDepth1,

    /// <summary>1 connection, 64 requests per write (keys/s, per-batch latency).</summary>
    OneConnectionDepth64,

    /// <summary>2 connections, 64 requests per write each (keys/s).</summary>
    TwoConnectionsDepth64,

    /// <summary>
    /// 2 connections, 32 requests per write each (keys/s): the deepest pipeline 64 one-at-a-time callers can keep on
    /// the client's 2 connections, written as whole batches.
    /// </summary>
    TwoConnectionsDepth32,

    /// <summary>
    /// <see cref="TwoConnectionsDepth64"/>, each value copied into an array of its own: the least a get-many that hands
    /// out its values must add to the raw loop (the get-many scenarios' ceiling).
    /// </summary>
    TwoConnectionsDepth64Copying,
}

/// <summary>Raw <c>mg key:N v</c> loops over preloaded keys: the speed of light on this machine.</summary>
internal static class RawLoops
{
    private const int MaxSamples = 4_000_000;
    private const long MaxIterations = 100_000_000;

    public static string Describe(RawLoopKind kind) => kind switch
    {
        RawLoopKind.OneConnectionDepth1 => "raw: 1 conn x depth 1",
        RawLoopKind.OneConnectionDepth64 => "raw: 1 conn x depth 64",
        RawLoopKind.TwoConnectionsDepth64 => "raw: 2 conns x depth 64",
        RawLoopKind.TwoConnectionsDepth32 => "raw: 2 conns x depth 32",
        RawLoopKind.TwoConnectionsDepth64Copying => "ceiling: 2 conns x depth 64, each value copied",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static async Task<Measurement> RunAsync(RawLoopKind kind, IPEndPoint server, int keyCount, int valueSize, TimeSpan warmup, TimeSpan duration, CancellationToken cancellationToken)
    {
        var (connections, depth) = kind switch
        {
            RawLoopKind.OneConnectionDepth1 => (1, 1),
            RawLoopKind.OneConnectionDepth64 => (1, 64),
            RawLoopKind.TwoConnectionsDepth64 => (2, 64),
            RawLoopKind.TwoConnectionsDepth32 => (2, 32),
            RawLoopKind.TwoConnectionsDepth64Copying => (2, 64),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var sockets = new MgConnection[connections];
        try
        {
            for (var i = 0; i < connections; i++)
            {
                sockets[i] = await MgConnection.ConnectAsync(server, keyCount, valueSize, depth, cancellationToken);
                sockets[i].CopyValues = kind == RawLoopKind.TwoConnectionsDepth64Copying;
            }

            await Task.WhenAll(sockets.Select((socket, i) => LoopAsync(socket, depth, i * 500, warmup, null, cancellationToken)));

            var recorders = sockets.Select(_ => new LatencyRecorder(MaxSamples)).ToArray();
            var counters = ProcessCounters.Take(MgConnection.s_writes, MgConnection.s_reads);
            var started = Stopwatch.GetTimestamp();
            var counts = await Task.WhenAll(sockets.Select((socket, i) => LoopAsync(socket, depth, i * 500, duration, recorders[i], cancellationToken)));
            var elapsed = Stopwatch.GetElapsedTime(started);
            var perOp = ProcessCounters.Take(MgConnection.s_writes, MgConnection.s_reads).PerOperation(counters, counts.Sum());
            if (ProcessCounters.Enabled)
            {
                Console.Write($" [{perOp}]");
            }

            var (p50, p99) = LatencyRecorder.Percentiles(recorders);
            return new Measurement(Describe(kind), depth == 1 ? "ops/s" : "keys/s", counts.Sum() / elapsed.TotalSeconds, p50, p99) { Counters = perOp };
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket?.Dispose();
            }
        }
    }

    /// <summary>Runs batches until <paramref name="duration"/> has passed (bounded also by an iteration cap) and
    /// returns how many keys were fetched.</summary>
    private static async Task<long> LoopAsync(MgConnection connection, int depth, int firstKey, TimeSpan duration, LatencyRecorder? recorder, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var key = firstKey;
        long keys = 0;
        for (long iteration = 0; iteration < MaxIterations; iteration++)
        {
            var before = Stopwatch.GetTimestamp();
            if (before >= end || cancellationToken.IsCancellationRequested)
            {
                break;
            }

            await connection.GetBatchAsync(key, depth, cancellationToken);
            recorder?.Record(Stopwatch.GetTimestamp() - before);
            key = (key + depth) % connection.KeyCount;
            keys += depth;
        }

        return keys;
    }
}
