using System.Diagnostics;
using System.Globalization;
using FragmentCache.Memcached;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FragmentCache.Benchmarks.Farm;

/// <summary>
/// <c>--farm</c>: H simulated hosts (one service provider each, two-tier on, one memcached client each) over one real
/// memcached, T tags spread over the copies each host keeps, invalidations at a given rate from one host. Reports the
/// memcached gets per second the polling costs (server <c>cmd_get</c> deltas: nothing else reads during the windows),
/// the delay from an invalidation to the moment each other host stops serving the copy it names (p50, max), and the
/// copies each host drops per invalidation, for every H x T of the grid.
/// </summary>
/// <remarks>
/// Copies are kept straight in each host's in-process tier (no store read), each of the <see cref="CopiesPerHost"/> copies
/// carrying T / <see cref="CopiesPerHost"/> tags, so every host knows every tag and every tag is carried by one copy per
/// host. A copy dropped by an invalidation is kept again before the next one, from the generations read once at start;
/// copies carrying a tag already invalidated are left out of the counts.
/// </remarks>
internal static class FarmBenchmark
{
    private const int CopiesPerHost = 100;
    private static readonly TimeSpan VisibilityLimit = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan CellLimit = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var hostCounts = IntList(args, "--hosts", [10, 50, 200], 1000);
        var tagCounts = IntList(args, "--tags", [100, 1000, 10000], 100_000);
        var pollInterval = TimeSpan.FromMilliseconds(Math.Clamp(IntArg(args, "--poll-ms", 100), 10, 5000));
        var rate = Math.Clamp(IntArg(args, "--rate", 4), 1, 100);
        var invalidations = Math.Clamp(IntArg(args, "--invalidations", 8), 2, 200);
        var idle = TimeSpan.FromSeconds(Math.Clamp(IntArg(args, "--idle-s", 2), 1, 30));
        var label = StringArg(args, "--label") ?? "this build";

        output.WriteLine($"farm benchmark ({label}) - {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC; load average at start: {LoadAverage()}");
        output.WriteLine($"poll interval {pollInterval.TotalMilliseconds:0} ms; {CopiesPerHost} copies per host; {invalidations} invalidations per cell (tag and explicit alternating) at most {rate}/s from host 0; idle window {idle.TotalSeconds:0} s");
        output.WriteLine("gets/s = memcached cmd_get per second (polling only); delay = invalidation call start -> copy no longer served, over hosts 1..H-1; dropped = copies per host that stopped being current");
        output.WriteLine();
        output.WriteLine("| hosts | tags | idle gets/s | gets/s with invalidations | tag delay p50 / max ms | explicit delay p50 / max ms | dropped per tag inv. | dropped per explicit inv. | not seen | cell s |");
        output.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var hosts in hostCounts)
        {
            foreach (var tags in tagCounts)
            {
                using var limit = new CancellationTokenSource(CellLimit);
                var row = await RunCellAsync(hosts, tags, pollInterval, rate, invalidations, idle, limit.Token);
                output.WriteLine(row);
                await output.FlushAsync(CancellationToken.None);
            }
        }

        output.WriteLine();
        output.WriteLine($"load average at end: {LoadAverage()}");
        return 0;
    }

    private static async Task<string> RunCellAsync(int hostCount, int tagCount, TimeSpan pollInterval, int rate, int invalidationCount, TimeSpan idle, CancellationToken cancellationToken)
    {
        var cell = Stopwatch.StartNew();
        using var server = BenchmarkServer.Start(threads: 2, memoryMegabytes: 256);
        var hosts = new List<Host>(hostCount);
        var idleGets = double.NaN;
        var busyGets = double.NaN;
        var tagDelays = new List<double>();
        var keyDelays = new List<double>();
        var tagDropped = new List<double>();
        var keyDropped = new List<double>();
        var notSeen = 0;
        var busyStart = 0L;
        var busyWatch = new Stopwatch();
        try
        {
            for (var i = 0; i < hostCount; i++)
            {
                hosts.Add(Host.Create(server.Address, pollInterval));
            }

            // The tag counters, created once (their generations are what every copy is kept with).
            var tagNames = new string[tagCount];
            for (var i = 0; i < tagCount; i++)
            {
                tagNames[i] = "t" + i.ToString(CultureInfo.InvariantCulture);
            }

            var generations = new Dictionary<string, ulong>(StringComparer.Ordinal);
            var tagStore = hosts[0].Services.GetRequiredService<TagGenerationStore>();
            for (var start = 0; start < tagCount; start += 500)
            {
                var chunk = tagNames[start..Math.Min(tagCount, start + 500)];
                foreach (var generation in await tagStore.GetOrCreateAsync(chunk, null, cancellationToken))
                {
                    generations[generation.Tag] = generation.Generation;
                }
            }

            // Copy i carries the tags j with j % CopiesPerHost == i.
            var copies = new Copy[CopiesPerHost];
            for (var i = 0; i < CopiesPerHost; i++)
            {
                var carried = new List<TagGeneration>();
                for (var j = i; j < tagCount; j += CopiesPerHost)
                {
                    carried.Add(new TagGeneration(tagNames[j], generations[tagNames[j]]));
                }

                copies[i] = new Copy(FragmentKey.Create("c", [i]), carried);
            }

            var invalidatedTags = new HashSet<int>();
            foreach (var host in hosts)
            {
                host.Keep(copies, invalidatedTags);
            }

            foreach (var host in hosts)
            {
                await host.StartAsync(cancellationToken);
            }

            // Past the first polls (a cold start reads the whole ring once) before measuring: until two half-second
            // windows read about as many keys (at most 15 s).
            await Task.Delay(TimeSpan.FromSeconds(1) + (pollInterval * 5), cancellationToken);
            var settle = Stopwatch.StartNew();
            var previous = -1L;
            while (settle.Elapsed < TimeSpan.FromSeconds(15))
            {
                var from = server.CmdGet();
                await Task.Delay(500, cancellationToken);
                var window = server.CmdGet() - from;
                if (previous >= 0 && Math.Abs(window - previous) <= Math.Max(previous, window) / 5)
                {
                    break;
                }

                previous = window;
            }

            // Idle: polling alone.
            var idleStart = server.CmdGet();
            var idleWatch = Stopwatch.StartNew();
            await Task.Delay(idle, cancellationToken);
            idleGets = (server.CmdGet() - idleStart) / idleWatch.Elapsed.TotalSeconds;

            // Invalidations from host 0 at the given rate, each watched on every other host.
            var spacing = TimeSpan.FromSeconds(1.0 / rate);
            busyStart = server.CmdGet();
            busyWatch.Start();
            for (var n = 0; n < invalidationCount; n++)
            {
                var next = Stopwatch.StartNew();
                foreach (var host in hosts)
                {
                    host.Keep(copies, invalidatedTags);
                }

                var byTag = n % 2 == 0;
                // Tags of the copies 0..49 (one copy each), explicit invalidations of the copies 50..99: they never meet.
                var target = byTag ? n / 2 * 7 % (CopiesPerHost / 2) : (CopiesPerHost / 2) + (n / 2 * 13 % (CopiesPerHost / 2));
                var probe = byTag ? copies[target % CopiesPerHost].Key.Canonical : copies[target].Key.Canonical;
                if (byTag && (invalidatedTags.Contains(target % CopiesPerHost) || !invalidatedTags.Add(target % CopiesPerHost)))
                {
                    continue;
                }

                var before = new int[hostCount];
                for (var h = 1; h < hostCount; h++)
                {
                    before[h] = hosts[h].CountCurrent(copies, invalidatedTags, byTag ? target % CopiesPerHost : -1);
                }

                var started = Stopwatch.GetTimestamp();
                var fragments = hosts[0].Services.GetRequiredService<IFragmentCache>();
                if (byTag)
                {
                    await fragments.InvalidateTagAsync(tagNames[target], cancellationToken);
                }
                else
                {
                    await fragments.InvalidateAsync(copies[target].Key, cancellationToken: cancellationToken);
                }

                var seen = new double[hostCount];
                var pending = hostCount - 1;
                while (pending > 0 && Stopwatch.GetElapsedTime(started) < VisibilityLimit)
                {
                    for (var h = 1; h < hostCount; h++)
                    {
                        if (seen[h] == 0 && !hosts[h].IsCurrent(probe))
                        {
                            seen[h] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                            pending--;
                        }
                    }

                    if (pending > 0)
                    {
                        await Task.Delay(2, cancellationToken);
                    }
                }

                notSeen += pending;
                var delays = byTag ? tagDelays : keyDelays;
                var dropped = byTag ? tagDropped : keyDropped;
                var droppedSum = 0.0;
                for (var h = 1; h < hostCount; h++)
                {
                    if (seen[h] > 0)
                    {
                        delays.Add(seen[h]);
                    }

                    droppedSum += before[h] - hosts[h].CountCurrent(copies, invalidatedTags, byTag ? target % CopiesPerHost : -1);
                }

                // The copy carrying an invalidated tag is out of the counts from now on (it was counted here, before and after).
                dropped.Add(droppedSum / (hostCount - 1));
                var rest = spacing - next.Elapsed;
                if (rest > TimeSpan.Zero)
                {
                    await Task.Delay(rest, cancellationToken);
                }
            }

            busyGets = (server.CmdGet() - busyStart) / busyWatch.Elapsed.TotalSeconds;
            return Row("");
        }
        catch (OperationCanceledException)
        {
            if (busyWatch.IsRunning)
            {
                busyGets = (server.CmdGet() - busyStart) / busyWatch.Elapsed.TotalSeconds;
            }

            return Row($" (stopped at the {CellLimit.TotalSeconds:0} s cell limit after {tagDelays.Count + keyDelays.Count + notSeen} host observations)");
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }

        string Row(string note) => string.Create(CultureInfo.InvariantCulture, $"| {hostCount} | {tagCount} | {idleGets:N0} | {busyGets:N0} | {Percentile(tagDelays, 0.5):0} / {Max(tagDelays):0} | {Percentile(keyDelays, 0.5):0} / {Max(keyDelays):0} | {Average(tagDropped):0.#} | {Average(keyDropped):0.#} | {notSeen} | {cell.Elapsed.TotalSeconds:0}{note} |");
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        values.Sort();
        return values[(int)Math.Min(values.Count - 1, Math.Floor(p * values.Count))];
    }

    private static double Max(List<double> values) => values.Count == 0 ? double.NaN : values.Max();

    private static double Average(List<double> values) => values.Count == 0 ? double.NaN : values.Average();

    private static int IntArg(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string? StringArg(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static int[] IntList(string[] args, string name, int[] fallback, int max)
    {
        var value = StringArg(args, name);
        return value is null ? fallback : [.. value.Split(',').Select(v => Math.Clamp(int.Parse(v, CultureInfo.InvariantCulture), 2, max))];
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private sealed record Copy(FragmentKey Key, IReadOnlyList<TagGeneration> Tags);

    /// <summary>One simulated web server: its own container, memcached client, two-tier copies and poller.</summary>
    private sealed class Host : IAsyncDisposable
    {
        private static readonly ReadOnlyMemory<byte> Content = new byte[1024];
        private readonly ServiceProvider _services;
        private readonly LocalFragmentTier _tier;
        private List<IHostedService> _started = [];

        private Host(ServiceProvider services)
        {
            _services = services;
            _tier = services.GetRequiredService<LocalFragmentTier>();
        }

        public IServiceProvider Services => _services;

        public static Host Create(string server, TimeSpan pollInterval)
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddFragmentCache(o =>
            {
                o.KeyPrefix = "farm";
                o.TwoTier.Enabled = true;
                o.TwoTier.PollInterval = pollInterval;
                o.TwoTier.LocalExpiration = TimeSpan.FromMinutes(10);
                o.TwoTier.MaxEntries = CopiesPerHost * 2;
            }).UseMemcached(o =>
            {
                o.Servers.Add(server);
                o.ConnectionsPerServer = 1;
                o.OperationTimeout = TimeSpan.FromSeconds(5);
            });
            return new Host(services.BuildServiceProvider());
        }

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            _started = [.. _services.GetServices<IHostedService>()];
            foreach (var service in _started)
            {
                await service.StartAsync(cancellationToken);
            }
        }

        /// <summary>Keeps every copy that is not current (and carries no invalidated tag) again.</summary>
        public void Keep(Copy[] copies, HashSet<int> invalidatedTags)
        {
            for (var i = 0; i < copies.Length; i++)
            {
                if (!invalidatedTags.Contains(i) && !IsCurrent(copies[i].Key.Canonical))
                {
                    _tier.Set(copies[i].Key.Canonical, FragmentContentKind.Bytes, Content, copies[i].Tags, null);
                }
            }
        }

        public bool IsCurrent(string key) => _tier.TryGetCurrent(key, null) is not null;

        public int CountCurrent(Copy[] copies, HashSet<int> invalidatedTags, int alsoCount)
        {
            var count = 0;
            for (var i = 0; i < copies.Length; i++)
            {
                if ((i == alsoCount || !invalidatedTags.Contains(i)) && IsCurrent(copies[i].Key.Canonical))
                {
                    count++;
                }
            }

            return count;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var service in _started)
            {
                try
                {
                    await service.StopAsync(CancellationToken.None);
                }
                catch (OperationCanceledException)
                {
                }
            }

            await _services.DisposeAsync();
        }
    }
}
