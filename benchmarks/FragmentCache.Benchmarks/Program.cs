using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using FragmentCache.Benchmarks.Bdn;
using FragmentCache.Benchmarks.Clients;
using FragmentCache.Benchmarks.Raw;

namespace FragmentCache.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/FragmentCache.Benchmarks [-- --quick | --duration S | --bdn ...]</c>.
/// Starts its own memcached on a free loopback port, preloads 1000 keys x 1 KB, then measures in one run: the
/// raw-socket loops (speed of light), memcaslap, and every registered client scenario, and prints the ratios.
/// </summary>
public static class Program
{
    internal const int KeyCount = 1000;
    internal const int ValueSize = 1024;

    /// <summary>The whole run is cancelled after this, whatever hangs.</summary>
    private static readonly TimeSpan HardLimit = TimeSpan.FromMinutes(5);

    /// <summary>The same for <c>--rounds</c> (up to 20 rounds of every scenario's three or four sides).</summary>
    private static readonly TimeSpan RoundsHardLimit = TimeSpan.FromMinutes(20);

    public static async Task<int> Main(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine("options: --quick (about 20 s) | --duration <seconds per scenario> (default 10) | --bdn [BenchmarkDotNet args] | --alloc (bytes allocated per fragment and page hit)");
            Console.WriteLine("         --rounds <N> [--duration S] [--only <text>] [--wire]: each client scenario beside its raw loop and its ceiling (awaiting callers),");
            Console.WriteLine("           N rounds in rotating order, ratio median/lowest/highest; --wire adds a ceiling that sends the client's own get request");
            Console.WriteLine("         --soak <seconds> [--workers N]: faults under load against 3 servers (docs/reliability.md)");
            Console.WriteLine("         --farm [--hosts 10,50,200] [--tags 100,1000,10000] [--poll-ms 100] [--rate 4] [--invalidations 8] [--idle-s 2] [--label L]: two-tier hosts over one memcached (docs/benchmarks.md)");
            return 0;
        }

        if (!BenchmarkServer.IsInstalled)
        {
            await Console.Error.WriteLineAsync(BenchmarkServer.InstallHint);
            return 2;
        }

        var soakIndex = Array.IndexOf(args, "--soak");
        if (soakIndex >= 0)
        {
            var soakSeconds = soakIndex + 1 < args.Length ? int.Parse(args[soakIndex + 1], CultureInfo.InvariantCulture) : 60;
            var workersIndex = Array.IndexOf(args, "--workers");
            var workers = workersIndex >= 0 && workersIndex + 1 < args.Length ? int.Parse(args[workersIndex + 1], CultureInfo.InvariantCulture) : 12;
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {CpuModel()}; load average before: {LoadAverage()}");
            var code = await Soak.SoakRunner.RunAsync(TimeSpan.FromSeconds(Math.Clamp(soakSeconds, 10, 600)), Math.Clamp(workers, 1, 64), Console.Out);
            Console.WriteLine($"load average after: {LoadAverage()}");
            return code;
        }

        if (args.Contains("--farm"))
        {
            using var farmLimit = new CancellationTokenSource(TimeSpan.FromMinutes(20));
            return await Farm.FarmBenchmark.RunAsync(args, Console.Out).WaitAsync(farmLimit.Token);
        }

        if (args.Contains("--alloc"))
        {
            await Bdn.HitAllocations.RunAsync();
            return 0;
        }

        if (args.Contains("--bdn"))
        {
            return RunBenchmarkDotNet(args, quick: args.Contains("--quick"));
        }

        var quick = args.Contains("--quick");
        var seconds = quick ? 3 : 10;
        var durationIndex = Array.IndexOf(args, "--duration");
        if (durationIndex >= 0 && durationIndex + 1 < args.Length)
        {
            seconds = int.Parse(args[durationIndex + 1], CultureInfo.InvariantCulture);
        }

        var duration = TimeSpan.FromSeconds(Math.Clamp(seconds, 1, 60));
        var warmup = TimeSpan.FromSeconds(quick ? 0.5 : 1);
        var roundsIndex = Array.IndexOf(args, "--rounds");
        using var hardLimit = new CancellationTokenSource(roundsIndex >= 0 ? RoundsHardLimit : HardLimit);
        var onlyIndex = Array.IndexOf(args, "--only");
        var only = onlyIndex >= 0 && onlyIndex + 1 < args.Length ? args[onlyIndex + 1] : null;
        if (roundsIndex >= 0 && roundsIndex + 1 < args.Length)
        {
            // Alternated client/raw pairs for ratios on a shared machine (Clients/ClientRounds.cs).
            using var roundsServer = BenchmarkServer.Start();
            roundsServer.Preload(KeyCount, ValueSize);
            Console.WriteLine($"FragmentCache client rounds - {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; load average at start: {LoadAverage()}; {duration.TotalSeconds:0} s per side");
            await ClientRounds.RunAsync(roundsServer.Address, roundsServer.EndPoint, Math.Clamp(int.Parse(args[roundsIndex + 1], CultureInfo.InvariantCulture), 1, 20), duration, warmup,
                only, args.Contains("--wire"), Console.Out, hardLimit.Token);
            Console.WriteLine($"load average at end: {LoadAverage()}");
            return 0;
        }

        return await RunConsoleAsync(duration, warmup, only, hardLimit.Token);
    }

    /// <param name="only">When set, runs only the client scenarios whose name contains it, or the ceiling of that exact name
    /// (for profiling): no baselines, no ratios.</param>
    private static async Task<int> RunConsoleAsync(TimeSpan duration, TimeSpan warmup, string? only, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        using var server = BenchmarkServer.Start();
        server.Preload(KeyCount, ValueSize);
        Console.WriteLine($"FragmentCache benchmark - {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, {CpuModel()}");
        Console.WriteLine($"runtime: {RuntimeInformation.FrameworkDescription}, server GC {System.Runtime.GCSettings.IsServerGC}; load average at start: {LoadAverage()}");
        Console.WriteLine($"server: {server.Version()} ({BenchmarkServer.ExecutablePath} {string.Join(' ', server.Arguments)})");
        Console.WriteLine($"data: {KeyCount} keys key:0..key:{KeyCount - 1}, {ValueSize} B values; {duration.TotalSeconds:0} s per scenario after {warmup.TotalSeconds:0.#} s warm-up");
        Console.WriteLine();

        if (only is not null)
        {
            foreach (var scenario in ClientScenarios.All.Where(s => s.Name.Contains(only, StringComparison.OrdinalIgnoreCase)))
            {
                var result = await scenario.RunAsync(server.Address, duration, cancellationToken);
                Console.WriteLine($"{scenario.Name}: {result.Keys / result.Elapsed.TotalSeconds:N0} keys/s (profiling run, no baselines)");
            }

            // A raw loop by its exact name (e.g. "raw: 2 conns x depth 32"), to profile it the same way.
            foreach (var kind in Enum.GetValues<RawLoopKind>().Where(k => RawLoops.Describe(k) == only))
            {
                var result = await RawLoops.RunAsync(kind, server.EndPoint, KeyCount, ValueSize, warmup, duration, cancellationToken);
                Console.WriteLine($"{result.Name}: {result.Rate:N0} keys/s (profiling run, no baselines) [{result.Counters}]");
            }

            // A ceiling by its exact name (e.g. "ceiling: 2 conns x 64 awaiting callers"), to profile it the same way.
            foreach (var shape in ClientScenarios.All.Select(s => s.Ceiling).OfType<CeilingShape>().SelectMany(c => new[] { c, c with { ClientWire = true } })
                .Where(c => c.Describe() == only))
            {
                var result = await CeilingLoops.RunAsync(shape, server.EndPoint, KeyCount, ValueSize, warmup, duration, cancellationToken);
                Console.WriteLine($"{result.Name}: {result.Rate:N0} keys/s (profiling run, no baselines) [{result.Counters}]");
            }

            return 0;
        }

        var raw = new Dictionary<RawLoopKind, Measurement>();
        var rows = new List<(Measurement Row, Measurement? Raw)>();
        // The copying loop is a ceiling, run beside its scenarios by --rounds.
        foreach (var kind in Enum.GetValues<RawLoopKind>().Where(k => k != RawLoopKind.TwoConnectionsDepth64Copying))
        {
            Console.Write($"{RawLoops.Describe(kind)} ...");
            var measurement = await RawLoops.RunAsync(kind, server.EndPoint, KeyCount, ValueSize, warmup, duration, cancellationToken);
            Console.WriteLine($" {measurement.Rate:N0} {measurement.Unit}");
            raw[kind] = measurement;
            rows.Add((measurement, null));
        }

        Console.Write($"memcaslap {Memcaslap.Arguments(server.Address, duration)} ...");
        var (memcaslap, note) = await Memcaslap.RunAsync(server.Address, duration, cancellationToken);
        Console.WriteLine(memcaslap is null ? " " + note : $" {memcaslap.Rate:N0} TPS");
        if (memcaslap is not null)
        {
            rows.Add((memcaslap, null));
        }

        if (ClientScenarios.All.Count == 0)
        {
            Console.WriteLine("client scenarios: none registered yet (Clients/ClientScenarios.cs)");
        }

        foreach (var scenario in ClientScenarios.All)
        {
            Console.Write($"{scenario.Name} ...");
            var result = await scenario.RunAsync(server.Address, duration, cancellationToken);
            var perSecond = result.Keys / result.Elapsed.TotalSeconds;
            var measurement = new Measurement(scenario.Name, result.Keys == result.Operations ? "ops/s" : "keys/s", perSecond, result.P50Microseconds, result.P99Microseconds);
            Console.WriteLine($" {measurement.Rate:N0} {measurement.Unit}");
            rows.Add((measurement, raw[scenario.Baseline]));
        }

        Console.WriteLine();
        Console.WriteLine(ResultsTable.Format(rows, memcaslap));
        Console.WriteLine("p50/p99: per request at depth 1, per 64-request batch at depth 64. Client rows: \"vs raw\" = the matching raw loop.");
        Console.WriteLine($"total time: {total.Elapsed.TotalSeconds:0.0} s; load average at end: {LoadAverage()} (anything well above 2 means other work shared the 2 cores)");
        return 0;
    }

    private static int RunBenchmarkDotNet(string[] args, bool quick)
    {
        var bdnArgs = args.Where(static arg => arg is not "--bdn" and not "--quick").ToList();
        if (!bdnArgs.Contains("--filter"))
        {
            bdnArgs.AddRange(["--filter", "*"]); // Never prompt.
        }

        // In-process: no generated project to build (this repository builds with warnings as errors and central versions).
        // --quick: 2 warm-ups and 5 iterations of ~0.2 s each, so the hit-path classes (tens of cases) finish in minutes.
        var job = (quick
            ? Job.ShortRun.WithWarmupCount(2).WithIterationCount(5).WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(200))
            : Job.Default).WithToolchain(InProcessEmitToolchain.Instance);
        var config = ManualConfig.Create(DefaultConfig.Instance).AddJob(job);
        var summaries = BenchmarkSwitcher.FromTypes([typeof(RawSocketGetBenchmarks), typeof(ClientGetBenchmarks), typeof(FragmentHitBenchmarks), typeof(PageHitBenchmarks)]).Run([.. bdnArgs], config);
        return summaries.Any(static summary => summary.HasCriticalValidationErrors || summary.Reports.Any(static report => !report.Success)) ? 1 : 0;
    }

    internal static string LoadAverage()
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

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(static l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "unknown CPU" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }
}
