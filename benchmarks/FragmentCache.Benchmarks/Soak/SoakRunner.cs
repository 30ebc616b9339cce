using System.Diagnostics;
using System.Globalization;
using System.Text;
using FragmentCache.Memcached;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Benchmarks.Soak;

/// <summary>
/// <c>--soak SECONDS</c>: concurrent load on the client and on the fragment cache over <see cref="MemcachedCacheStore"/>,
/// against 3 memcached servers behind loopback proxies, through phases: healthy, one server killed, the server
/// restarted empty, one server stalled past the operation timeout, connections reset, healthy again. Every value
/// names its key and every fragment its user, so a wrong value is detected, not assumed. Bounded: the workers stop
/// at the end of the last phase, and the whole run is cancelled 60 s after that whatever hangs.
/// </summary>
internal static class SoakRunner
{
    private const int Keys = 2000;
    private const int Users = 500;
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(2);

    private static readonly (string Name, double Start)[] Phases =
    [
        ("healthy", 0.00),
        ("one dead", 0.20),
        ("recovered", 0.40),
        ("one stalled", 0.55),
        ("resets", 0.70),
        ("healthy again", 0.85),
    ];

    public static async Task<int> RunAsync(TimeSpan duration, int workers, TextWriter output)
    {
        using var hardLimit = new CancellationTokenSource(duration + TimeSpan.FromSeconds(60));
        var servers = new BenchmarkServer[3];
        var proxies = new SoakProxy[3];
        for (int i = 0; i < 3; i++)
        {
            servers[i] = BenchmarkServer.Start(threads: 1, memoryMegabytes: 64);
            proxies[i] = new SoakProxy(servers[i].EndPoint);
        }

        try
        {
            var clientOptions = Options(proxies);
            await using var client = new MemcachedClient(clientOptions);
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddFragmentCache(o => o.KeyPrefix = "soak").UseStore(_ => new MemcachedCacheStore(Options(proxies)));
            await using var provider = services.BuildServiceProvider();
            var fragments = provider.GetRequiredService<IFragmentCache>();

            var stats = Phases.Select(p => new PhaseStats(p.Name)).ToArray();
            int phase = 0;
            var clock = Stopwatch.StartNew();
            long phaseStarted = Stopwatch.GetTimestamp();
            var load = Enumerable.Range(0, workers)
                .Select(w => Task.Run(() => WorkAsync(client, fragments, w, () => (Volatile.Read(ref phase), Volatile.Read(ref phaseStarted)), stats, clock, duration, hardLimit.Token)))
                .ToArray();

            var faults = new StringBuilder();
            for (int next = 1; next <= Phases.Length; next++)
            {
                var at = next < Phases.Length ? duration * Phases[next].Start : duration;
                // Connection resets keep coming during the "resets" phase.
                while (clock.Elapsed < at)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(300), hardLimit.Token);
                    if (Phases[phase].Name == "resets")
                    {
                        stats[phase].Resets += proxies[2].ResetAll();
                    }
                }

                if (next == Phases.Length)
                {
                    break;
                }

                switch (Phases[next].Name)
                {
                    case "one dead":
                        servers[0].Dispose(); // SIGKILL
                        break;
                    case "recovered":
                        servers[0] = BenchmarkServer.Start(threads: 1, memoryMegabytes: 64); // empty
                        proxies[0].Target = servers[0].EndPoint;
                        break;
                    case "one stalled":
                        proxies[1].Stalled = true;
                        break;
                    case "resets":
                        proxies[1].Stalled = false;
                        break;
                }

                faults.Append(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds:0.0}s {Phases[next].Name}; ");
                Volatile.Write(ref phaseStarted, Stopwatch.GetTimestamp());
                Volatile.Write(ref phase, next);
            }

            await Task.WhenAll(load).WaitAsync(TimeSpan.FromSeconds(30), hardLimit.Token);
            Report(output, stats, duration, workers, faults.ToString());
            return stats.Sum(s => s.Wrong + s.Exceptions) == 0 ? 0 : 1;
        }
        finally
        {
            foreach (var proxy in proxies)
            {
                await proxy.DisposeAsync();
            }

            foreach (var server in servers)
            {
                server.Dispose();
            }
        }
    }

    private static MemcachedClientOptions Options(SoakProxy[] proxies)
    {
        var options = new MemcachedClientOptions
        {
            OperationTimeout = TimeSpan.FromMilliseconds(200),
            ConnectTimeout = TimeSpan.FromMilliseconds(300),
            BreakDuration = TimeSpan.FromMilliseconds(500),
            MaxBreakDuration = TimeSpan.FromSeconds(2),
        };
        foreach (var proxy in proxies)
        {
            options.Servers.Add(proxy.Address);
        }

        return options;
    }

    private static async Task WorkAsync(MemcachedClient client, IFragmentCache fragments, int worker, Func<(int Phase, long Started)> current,
        PhaseStats[] stats, Stopwatch clock, TimeSpan duration, CancellationToken cancellationToken)
    {
        var random = new Random(worker);
        long n = 0;
        while (clock.Elapsed < duration && !cancellationToken.IsCancellationRequested)
        {
            var (phase, phaseStarted) = current();
            var bucket = stats[phase];
            long started = Stopwatch.GetTimestamp();
            bool settled = Stopwatch.GetElapsedTime(phaseStarted, started) > SettleTime;
            int kind = random.Next(10);
            try
            {
                if (kind < 5)
                {
                    string key = "key:" + random.Next(Keys).ToString(CultureInfo.InvariantCulture);
                    var item = await client.GetItemAsync(key, default, cancellationToken);
                    bucket.Record(started, settled, failed: item.Status == MemcachedItemStatus.Failed, kind: 0);
                    if (item.IsHit && !Encoding.UTF8.GetString(item.RawValue.Span).StartsWith("\"v:" + key + ":", StringComparison.Ordinal)
                        && !Encoding.UTF8.GetString(item.RawValue.Span).StartsWith("v:" + key + ":", StringComparison.Ordinal))
                    {
                        bucket.AddWrong($"{key} -> {Encoding.UTF8.GetString(item.RawValue.Span)}");
                    }

                    if (item.Status == MemcachedItemStatus.Miss)
                    {
                        long setStarted = Stopwatch.GetTimestamp();
                        bool stored = await client.SetAsync(key, $"v:{key}:{worker}:{n++}", TimeSpan.FromMinutes(10), cancellationToken);
                        bucket.Record(setStarted, settled, failed: !stored, kind: 1);
                    }
                }
                else if (kind < 6)
                {
                    var keys = Enumerable.Range(0, 8).Select(_ => "key:" + random.Next(Keys).ToString(CultureInfo.InvariantCulture)).Distinct().ToList();
                    var found = await client.GetManyAsync<string>(keys, cancellationToken);
                    bucket.Record(started, settled, failed: false, kind: 2);
                    foreach (var (key, value) in found)
                    {
                        if (value is not null && !value.StartsWith("v:" + key + ":", StringComparison.Ordinal))
                        {
                            bucket.AddWrong($"{key} -> {value}");
                        }
                    }
                }
                else
                {
                    int user = random.Next(Users);
                    string expected = $"<p>user {user}</p>";
                    var html = await fragments.GetOrRenderAsync("soak-user", [user], null, _ =>
                    {
                        Interlocked.Increment(ref stats[current().Phase].Renders);
                        return ValueTask.FromResult(expected);
                    }, cancellationToken);
                    bucket.Record(started, settled, failed: false, kind: 3);
                    Interlocked.Increment(ref bucket.FragmentCalls);
                    if (html != expected)
                    {
                        bucket.AddWrong($"user {user} -> {html}");
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                bucket.AddException(ex);
            }

            // Paced, so the run leaves the shared machine some room: about 1 ms between operations per worker.
            await Task.Delay(1, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static void Report(TextWriter output, PhaseStats[] stats, TimeSpan duration, int workers, string faults)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"soak: {duration.TotalSeconds:0} s, {workers} workers, 3 servers behind proxies; faults at: {faults}"));
        output.WriteLine("| phase | ops | ops/s | wrong | failed | exceptions | p50 ms | p99 ms | p99 settled ms | max ms | max get/set/many/fragment ms | renders | fragment calls | resets |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int i = 0; i < stats.Length; i++)
        {
            var s = stats[i];
            double seconds = duration.TotalSeconds * ((i + 1 < Phases.Length ? Phases[i + 1].Start : 1.0) - Phases[i].Start);
            var all = s.Latencies(settledOnly: false);
            var settled = s.Latencies(settledOnly: true);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {s.Name} | {all.Length} | {all.Length / seconds:0} | {s.Wrong} | {s.Failed} | {s.Exceptions} | {Percentile(all, 0.50):0.00} | {Percentile(all, 0.99):0.00} | {Percentile(settled, 0.99):0.00} | {(all.Length > 0 ? all[^1] : 0):0.0} | {string.Join(" / ", s.MaxByKind.Select(m => m.ToString("0", CultureInfo.InvariantCulture)))} | {s.Renders} | {s.FragmentCalls} | {s.Resets} |"));
        }

        foreach (var s in stats)
        {
            foreach (var line in s.Samples())
            {
                output.WriteLine($"  {s.Name}: {line}");
            }
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private sealed class PhaseStats(string name)
    {
        private readonly List<(double Ms, bool Settled)> _latencies = new(1 << 16);
        private readonly List<string> _samples = [];
        public long Renders;
        public long FragmentCalls;

        public string Name { get; } = name;

        public long Wrong { get; private set; }

        public long Failed { get; private set; }

        public long Exceptions { get; private set; }

        public int Resets { get; set; }

        /// <summary>Slowest call per kind: get, set, get-many, fragment.</summary>
        public double[] MaxByKind { get; } = new double[4];

        public void Record(long started, bool settled, bool failed, int kind)
        {
            double ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            lock (_latencies)
            {
                MaxByKind[kind] = Math.Max(MaxByKind[kind], ms);
                _latencies.Add((ms, settled));
                Failed += failed ? 1 : 0;
            }
        }

        public void AddWrong(string what)
        {
            lock (_latencies)
            {
                Wrong++;
                if (_samples.Count < 5)
                {
                    _samples.Add("WRONG " + what);
                }
            }
        }

        public void AddException(Exception ex)
        {
            lock (_latencies)
            {
                Exceptions++;
                if (_samples.Count < 5)
                {
                    _samples.Add("EXCEPTION " + ex.GetType().Name + ": " + ex.Message);
                }
            }
        }

        public double[] Latencies(bool settledOnly)
        {
            lock (_latencies)
            {
                var values = _latencies.Where(l => !settledOnly || l.Settled).Select(l => l.Ms).ToArray();
                Array.Sort(values);
                return values;
            }
        }

        public IReadOnlyList<string> Samples()
        {
            lock (_latencies)
            {
                return [.. _samples];
            }
        }
    }
}
