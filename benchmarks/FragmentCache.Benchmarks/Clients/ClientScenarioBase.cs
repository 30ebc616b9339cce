using System.Diagnostics;
using FragmentCache.Benchmarks.Raw;
using FragmentCache.Memcached;
using FragmentCache.Memcached.Connections;

namespace FragmentCache.Benchmarks.Clients;

/// <summary>Creates the client the same way for every scenario and checks every value it reads.</summary>
internal abstract class ClientScenarioBase : IClientScenario
{
    public abstract string Name { get; }

    public abstract RawLoopKind Baseline { get; }

    public virtual CeilingShape? Ceiling => null;

    public virtual RawLoopKind? RawCeiling => null;

    public async Task<ScenarioResult> RunAsync(string serverAddress, TimeSpan duration, CancellationToken cancellationToken)
    {
        // A generous operation timeout: on a shared machine a run of descheduled threads must not end the measurement.
        var options = new MemcachedClientOptions { ThrowOnError = true, OperationTimeout = TimeSpan.FromSeconds(5) };
        options.Servers.Add(serverAddress);
        if (int.TryParse(Environment.GetEnvironmentVariable("FRAGMENTCACHE_BENCH_CONNECTIONS"), out var connections))
        {
            options.ConnectionsPerServer = connections;
        }

        await using var client = new MemcachedClient(options);
        // Warm-up: connections open, JIT tiers up.
        await MeasureAsync(client, TimeSpan.FromSeconds(1), null, cancellationToken);
        var latencies = new List<double>();
        long contention = Monitor.LockContentionCount;
        int gen0 = GC.CollectionCount(0);
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        var counters = ProcessCounters.Take(MemcachedConnection.s_writes, MemcachedConnection.s_reads);
        long takeovers = ReaderTakeovers();
        long splits = CompletionBatch.s_splits;
        var result = await MeasureAsync(client, duration, latencies, cancellationToken);
        var perOperation = ProcessCounters.Take(MemcachedConnection.s_writes, MemcachedConnection.s_reads).PerOperation(counters, result.Operations);
        if (ProcessCounters.Enabled)
        {
            double perOp = 1.0 / Math.Max(1, result.Operations);
            Console.Write($" [{perOperation}, " +
                $"allocated B/key {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)Math.Max(1, result.Keys):0}, lock contentions/op {(Monitor.LockContentionCount - contention) * perOp:0.00}, " +
                $"gen0 GCs {GC.CollectionCount(0) - gen0}, threads {ThreadPool.ThreadCount}, reader takeovers {ReaderTakeovers() - takeovers}, batch splits/op {(CompletionBatch.s_splits - splits) * perOp:0.0000}]");
        }

        return result with { Counters = perOperation };
    }

    /// <summary>Readers the heartbeat replaced because a continuation held them (0 where the client has no such counter).</summary>
    private static long ReaderTakeovers() =>
        typeof(MemcachedConnection).GetField("s_readerTakeovers", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)?.GetValue(null) is long count ? count : 0;

    protected abstract Task<ScenarioResult> MeasureAsync(MemcachedClient client, TimeSpan duration, List<double>? latencies, CancellationToken cancellationToken);

    protected static string KeyName(int i) => KeyNames[i];

    protected static void Check(MemcachedItem item)
    {
        if (!item.IsHit || item.RawValue.Length != Program.ValueSize)
        {
            throw new InvalidOperationException("The benchmark read a wrong value.");
        }
    }

    protected static (double? P50, double? P99) Percentiles(List<double>? latencies)
    {
        if (latencies is null || latencies.Count == 0)
        {
            return (null, null);
        }

        latencies.Sort();
        return (latencies[latencies.Count / 2], latencies[Math.Min(latencies.Count - 1, (int)(latencies.Count * 0.99))]);
    }

    protected static double Microseconds(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalMicroseconds;

    private static readonly string[] KeyNames = Enumerable.Range(0, Program.KeyCount).Select(i => "key:" + i).ToArray();
}

/// <summary>One caller, one request at a time: latency against the raw depth-1 loop.</summary>
internal sealed class SequentialGetScenario : ClientScenarioBase
{
    public override string Name => "client: 1 caller, GetItemAsync";

    public override RawLoopKind Baseline => RawLoopKind.OneConnectionDepth1;

    public override CeilingShape? Ceiling => new(Connections: 1, Callers: 1);

    protected override async Task<ScenarioResult> MeasureAsync(MemcachedClient client, TimeSpan duration, List<double>? latencies, CancellationToken cancellationToken)
    {
        long operations = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration && !cancellationToken.IsCancellationRequested)
        {
            long start = Stopwatch.GetTimestamp();
            Check(await client.GetItemAsync(KeyName((int)(operations % Program.KeyCount)), default, cancellationToken));
            latencies?.Add(Microseconds(start));
            operations++;
        }

        var (p50, p99) = Percentiles(latencies);
        return new ScenarioResult(operations, operations, clock.Elapsed, p50, p99);
    }
}

/// <summary>Many callers sharing one client: their requests are coalesced and pipelined. Compared with 2 x depth 32, the
/// deepest pipeline 64 one-at-a-time callers can keep on the client's 2 connections.</summary>
internal sealed class ConcurrentGetScenario(int callers) : ClientScenarioBase
{
    public override string Name => $"client: {callers} callers, GetItemAsync";

    public override RawLoopKind Baseline => RawLoopKind.TwoConnectionsDepth32;

    public override CeilingShape? Ceiling => new(Connections: 2, Callers: callers);

    protected override async Task<ScenarioResult> MeasureAsync(MemcachedClient client, TimeSpan duration, List<double>? latencies, CancellationToken cancellationToken)
    {
        long operations = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, callers).Select(worker => Task.Run(async () =>
        {
            long mine = 0;
            int key = worker * 37;
            while (clock.Elapsed < duration && !cancellationToken.IsCancellationRequested)
            {
                Check(await client.GetItemAsync(KeyName(key++ % Program.KeyCount), default, cancellationToken));
                mine++;
            }

            Interlocked.Add(ref operations, mine);
        }, cancellationToken)).ToArray();
        await Task.WhenAll(workers);
        return new ScenarioResult(operations, operations, clock.Elapsed, null, null);
    }
}

/// <summary>Get-many batches: keys/s against the raw two-connection pipelined loop.</summary>
internal sealed class GetManyScenario(int batchSize, int callers) : ClientScenarioBase
{
    public override string Name => $"client: {callers} caller(s), GetManyAsync x{batchSize}";

    public override RawLoopKind Baseline => RawLoopKind.TwoConnectionsDepth64;

    public override RawLoopKind? RawCeiling => RawLoopKind.TwoConnectionsDepth64Copying;

    protected override async Task<ScenarioResult> MeasureAsync(MemcachedClient client, TimeSpan duration, List<double>? latencies, CancellationToken cancellationToken)
    {
        long operations = 0, keys = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, callers).Select(worker => Task.Run(async () =>
        {
            var batch = new string[batchSize];
            int next = worker * 101;
            long mine = 0, mineKeys = 0;
            while (clock.Elapsed < duration && !cancellationToken.IsCancellationRequested)
            {
                for (int i = 0; i < batch.Length; i++)
                {
                    batch[i] = KeyName(next++ % Program.KeyCount);
                }

                var found = await client.GetManyAsync<byte[]>(batch, cancellationToken);
                if (found.Count != batchSize)
                {
                    throw new InvalidOperationException("The benchmark read a wrong batch.");
                }

                mine++;
                mineKeys += found.Count;
            }

            Interlocked.Add(ref operations, mine);
            Interlocked.Add(ref keys, mineKeys);
        }, cancellationToken)).ToArray();
        await Task.WhenAll(workers);
        return new ScenarioResult(operations, keys, clock.Elapsed, null, null);
    }
}
