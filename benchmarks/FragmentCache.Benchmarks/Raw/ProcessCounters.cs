using System.Globalization;

namespace FragmentCache.Benchmarks.Raw;

/// <summary>
/// What one scenario cost this process, for <c>FRAGMENTCACHE_BENCH_DIAG=1</c>: CPU time, thread-pool work items, and
/// wake-ups (voluntary context switches summed over the process's threads: each is a thread that went to sleep waiting
/// for a socket, a lock or work, and was woken again). Raw loops and the client report the same counters.
/// </summary>
internal readonly record struct ProcessCounters(TimeSpan Cpu, long WorkItems, long WakeUps, long Writes, long Reads)
{
    public static bool Enabled => Environment.GetEnvironmentVariable("FRAGMENTCACHE_BENCH_DIAG") == "1";

    /// <summary>Takes a snapshot; <paramref name="writes"/> and <paramref name="reads"/> are the caller's socket counters.</summary>
    public static ProcessCounters Take(long writes, long reads) =>
        new(Environment.CpuUsage.TotalTime, ThreadPool.CompletedWorkItemCount, VoluntaryContextSwitches(), writes, reads);

    /// <summary>Per-operation figures since <paramref name="start"/>, in the benchmark's diagnostic format.</summary>
    public string Since(ProcessCounters start, long operations) => PerOperation(start, operations).ToString();

    /// <summary>Per-operation figures since <paramref name="start"/>.</summary>
    public OperationCounters PerOperation(ProcessCounters start, long operations)
    {
        double perOp = 1.0 / Math.Max(1, operations);
        return new OperationCounters((Cpu - start.Cpu).TotalMicroseconds * perOp, (WorkItems - start.WorkItems) * perOp,
            (WakeUps - start.WakeUps) * perOp, (Writes - start.Writes) * perOp, (Reads - start.Reads) * perOp);
    }

    /// <summary>Sum of <c>voluntary_ctxt_switches</c> over <c>/proc/self/task/*/status</c> (0 where /proc is missing).</summary>
    private static long VoluntaryContextSwitches()
    {
        long total = 0;
        try
        {
            foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                try
                {
                    foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                    {
                        if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal))
                        {
                            total += long.Parse(line.AsSpan("voluntary_ctxt_switches:".Length).Trim(), CultureInfo.InvariantCulture);
                            break;
                        }
                    }
                }
                catch (IOException)
                {
                    // The thread ended meanwhile.
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return total;
    }
}

/// <summary>What one operation cost on average: process CPU, thread-pool work items, wake-ups (voluntary context switches),
/// socket writes (send calls) and reads (receive calls; for a reader loop, its iterations).</summary>
internal readonly record struct OperationCounters(double CpuMicroseconds, double WorkItems, double WakeUps, double Writes, double Reads)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"CPU us/op {CpuMicroseconds:0.00}, thread-pool items/op {WorkItems:0.000}, wake-ups/op {WakeUps:0.000}, writes/op {Writes:0.000}, reads/op {Reads:0.000}");
}
