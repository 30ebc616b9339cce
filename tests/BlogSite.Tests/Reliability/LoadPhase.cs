using System.Globalization;

namespace BlogSite.Tests.Reliability;

/// <summary>One response as the load generator saw it: which page for whom, when it started (ms since the phase
/// began), how long it took, its status, what was wrong with it (or <c>null</c>) and its <c>X-Fragment-Cache</c> header.</summary>
public readonly record struct SiteSample(string Url, string Who, double StartedMs, double LatencyMs, int Status, string? Problem, string? CacheStatus);

/// <summary>The responses of one phase of a load run, and the widget renders it caused.</summary>
public sealed class LoadPhase(string name, IReadOnlyList<SiteSample> samples, TimeSpan elapsed, int renders)
{
    public string Name => name;

    public IReadOnlyList<SiteSample> Samples => samples;

    public TimeSpan Elapsed => elapsed;

    /// <summary>Widget renders (<c>WidgetRenders.Total</c>) during the phase.</summary>
    public int Renders => renders;

    public int Requests => samples.Count;

    /// <summary>5xx responses, and requests the in-process server failed with an exception (status 0).</summary>
    public int ServerErrors => samples.Count(s => s.Status is >= 500 or 0);

    /// <summary>Responses that were not a 200 with the right body (5xx included).</summary>
    public int Wrong => samples.Count(s => s.Problem is not null);

    public int CacheHits => samples.Count(s => s.CacheStatus == "hit");

    /// <summary>The first few problems, for the assertion message.</summary>
    public string Problems => string.Join("\n", samples.Where(s => s.Problem is not null).Take(5).Select(s => s.Problem));

    /// <summary>The <paramref name="percentile"/> (0-100) of the latencies in ms, nearest rank.</summary>
    public double Percentile(double percentile)
    {
        if (samples.Count == 0)
        {
            return 0;
        }

        var sorted = samples.Select(s => s.LatencyMs).Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>The <paramref name="count"/> slowest requests: latency, page, visitor, start.</summary>
    public string Slowest(int count) => string.Join("; ", samples.OrderByDescending(s => s.LatencyMs).Take(count)
        .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.LatencyMs:F0} ms {s.Url} ({s.Who}, at {s.StartedMs / 1000:F2} s, {s.CacheStatus ?? "-"})")));

    public double Max => samples.Count == 0 ? 0 : samples.Max(s => s.LatencyMs);

    /// <summary>A table row: phase, requests, req/s, 5xx, wrong, cache hits, p50, p99, max, renders.</summary>
    public string Row() => string.Create(CultureInfo.InvariantCulture,
        $"| {Name} | {Requests} | {Requests / Math.Max(0.001, Elapsed.TotalSeconds):F0} | {ServerErrors} | {Wrong} | {100.0 * CacheHits / Math.Max(1, Requests):F0} % | {Percentile(50):F1} | {Percentile(99):F1} | {Max:F1} | {Renders} |");

    public const string Header = "| phase | requests | req/s | 5xx | wrong | X-Fragment-Cache hit | p50 ms | p99 ms | max ms | widget renders |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|";
}
