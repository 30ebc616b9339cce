using System.Diagnostics;
using System.Globalization;
using System.Text;
using FragmentCache.Memcached;
using FragmentCache.Mvc.Holes;
using FragmentCache.Mvc.Internal;
using Microsoft.AspNetCore.WebUtilities;

namespace FragmentCache.WebBench;

/// <summary>
/// <c>/cheap/profile?n=N</c>: a hit of the cheap page's <c>&lt;memcache-fragment&gt;</c> (its list, ~11 KB) step by step, in
/// this process on one thread, over this process's store (memcached, or its two-tier copy when two-tier is on): each step's
/// time and allocation per hit over N fresh requests, beside the raw client's get of the same bytes (the round trip) and
/// the write of the same HTML as a string (what <c>&lt;cache&gt;</c> writes). Each step's time is the mean of the fastest
/// tenth of batches of 100, so preemption by other processes on a shared machine counts as little as it can.
/// </summary>
internal static class CheapProfile
{
    private const string ViewPath = "/Views/Bench/Cheap.cshtml";
    private const int Batch = 100;

    public static async Task<string> RunAsync(IServiceProvider root, int? n)
    {
        var count = Math.Clamp(n ?? 20_000, 1_000, 200_000) / Batch * Batch;
        var renderer = root.GetRequiredService<FragmentRenderer>();
        var digests = root.GetRequiredService<ViewDigestProvider>();
        var client = root.GetService<IMemcachedClient>();
        var list = string.Concat(SidebarRow.All.Select(r => $"<li><a href=\"/p/{r.Slug}\">{r.Author}</a>: {r.Comments} comments</li>\n"));
        var listBytes = Encoding.UTF8.GetBytes(list);
        var ttl = TimeSpan.FromMinutes(10);
        Func<Task<HoledMarkup>> render = () => Task.FromResult(new HoledMarkup(list, [], []));
        if (client is not null)
        {
            await client.SetAsync("webbench:cheap-profile", listBytes, ttl);
        }

        // step -> per-batch (ticks, bytes)
        var steps = new Dictionary<string, List<(long Ticks, long Bytes)>>();
        var order = new List<string>();
        var current = new Dictionary<string, (long Ticks, long Bytes)>();
        // An await may resume on another thread: steps that await count the process's allocations (imprecise by up to an
        // allocation context per thread, a few KB per batch of 100), the others this thread's.
        void Add(string name, long t0, long b0, bool wholeProcess = false)
        {
            var t = Stopwatch.GetTimestamp() - t0;
            var b = (wholeProcess ? GC.GetTotalAllocatedBytes() : GC.GetAllocatedBytesForCurrentThread()) - b0;
            if (!steps.ContainsKey(name))
            {
                steps[name] = [];
                order.Add(name);
            }

            current.TryGetValue(name, out var s);
            current[name] = (s.Ticks + t, s.Bytes + b);
        }

        using var sink = new HttpResponseStreamWriter(Stream.Null, Encoding.UTF8);
        for (var pass = 0; pass < 2; pass++)
        {
            // Pass 0 warms up (tiered JIT) and stores the list; pass 1 is measured.
            steps.Clear();
            order.Clear();
            for (var i = 0; i < count; i++)
            {
                await using var scope = root.CreateAsyncScope();
                var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
                http.Request.Method = "GET";
                http.Request.Path = "/cheap/fragment";

                long t0 = Stopwatch.GetTimestamp(), b0 = GC.GetAllocatedBytesForCurrentThread();
                var directive = new FragmentDirective
                {
                    Name = "list",
                    Vary = FragmentDirective.VaryFromAttributes(null, "run", null, null, false, false),
                    ExpiresAfter = ttl,
                    ViewPath = ViewPath,
                };
                Add("directive: the tag's attributes read (vary-by-query)", t0, b0);

                (t0, b0) = (Stopwatch.GetTimestamp(), GC.GetAllocatedBytesForCurrentThread());
                var digest = digests.GetDigest(ViewPath);
                Add("view digest lookup", t0, b0);

                (t0, b0) = (Stopwatch.GetTimestamp(), GC.GetAllocatedBytesForCurrentThread());
                var vary = VaryValues.Build(null, null, directive.Vary, null, http, null, digest);
                Add("vary values built", t0, b0);

                (t0, b0) = (Stopwatch.GetTimestamp(), GC.GetAllocatedBytesForCurrentThread());
                _ = FragmentKey.Create(directive.Name, vary);
                Add("key: canonical form", t0, b0);

                (t0, b0) = (Stopwatch.GetTimestamp(), GC.GetTotalAllocatedBytes());
                var output = await renderer.RenderAsync(directive, http, null, render, null);
                Add("the whole lookup (FragmentRenderer.RenderAsync: all of the above, the store get or two-tier copy, decoding)", t0, b0, wholeProcess: true);

                (t0, b0) = (Stopwatch.GetTimestamp(), GC.GetAllocatedBytesForCurrentThread());
                if (output is { Text: { } text })
                {
                    sink.Write(text);
                }
                else if (output is { } bytes)
                {
                    Utf8HtmlWriter.Write(bytes.Utf8.Span, sink);
                }

                await sink.FlushAsync();
                Add("writing the hit into the page's writer (UTF-8 -> UTF-16 -> UTF-8)", t0, b0);

                (t0, b0) = (Stopwatch.GetTimestamp(), GC.GetAllocatedBytesForCurrentThread());
                sink.Write(list);
                await sink.FlushAsync();
                Add("for comparison: writing the same HTML as a string (what <cache> writes)", t0, b0);

                if (client is not null)
                {
                    (t0, b0) = (Stopwatch.GetTimestamp(), GC.GetTotalAllocatedBytes());
                    _ = await client.GetItemAsync("webbench:cheap-profile");
                    Add("for comparison: the raw client's get of the same bytes (one round trip)", t0, b0, wholeProcess: true);
                }

                if ((i + 1) % Batch == 0)
                {
                    foreach (var (name, s) in current)
                    {
                        steps[name].Add(s);
                    }

                    current.Clear();
                }
            }
        }

        var report = new StringBuilder();
        report.Append(CultureInfo.InvariantCulture, $"cheap fragment hit, one thread, {count} hits, two-tier {(root.GetRequiredService<IConfiguration>()["FragmentCache:TwoTier:Enabled"] ?? "false")}; per hit: time (mean of the fastest tenth of batches of {Batch}), median batch, allocated\n");
        foreach (var name in order)
        {
            var batches = steps[name].OrderBy(s => s.Ticks).ToList();
            var fastest = batches.Take(Math.Max(1, batches.Count / 10)).Average(s => (double)s.Ticks);
            var median = batches[batches.Count / 2].Ticks;
            var bytes = batches.Average(s => (double)s.Bytes) / Batch;
            report.Append(CultureInfo.InvariantCulture, $"{Us(fastest),9:F2} us {Us(median),9:F2} us {bytes,9:F0} B  {name}\n");
        }

        return report.ToString();

        static double Us(double ticksPerBatch) => ticksPerBatch * 1e6 / Stopwatch.Frequency / Batch;
    }
}
