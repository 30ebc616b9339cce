using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using BlogSite.Controllers;
using BlogSite.Data;
using BlogSite.Tests.Infrastructure;
using FragmentCache;
using FragmentCache.Memcached;
using FragmentCache.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlogSite.Tests.Reliability;

/// <summary>
/// The blog under steady load from signed-in and anonymous visitors on three real memcached behind fault proxies,
/// while one server is killed and restarted empty, one stalls past the operation timeout, connections are reset in
/// the middle of values, garbage is injected into replies, and all servers go down and come back. Every response is
/// checked (status, page text, widgets, language, the signed-in user's own name and nobody else's).
/// Run with the client's default <c>Failover</c> (off: a down server's keys are misses, rendered once per key and
/// <c>Outage:CopyLifetime</c> thanks to the outage copies) and with it on (they move to the next live server). In both,
/// once the breaker is open, nothing waits on the down server, renders stay bounded per key, and p99 stays within
/// 2x the healthy p99 plus a slack.
/// <c>FRAGMENTCACHE_SITE_SOAK_SECONDS</c> (default 14, at most 450) sets the measured time of each run, split over its
/// nine phases; <c>FRAGMENTCACHE_SITE_SOAK_REPORT</c>, when set, is where the phase tables are written
/// (<c>{value}.default.md</c>, <c>{value}.failover.md</c>).
/// </summary>
[Collection(nameof(SiteLoadCollection))]
public sealed class SiteFaultsUnderLoadTests
{
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan BreakDuration = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxBreakDuration = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan StateChangeTimeout = TimeSpan.FromSeconds(15);
    private const int MaxRequestsPerPhase = 500_000;

    // The p99 allowance on top of 2 x healthy p99. A request takes a few ms alone, but this machine's two cores are
    // shared with other people's builds (load average 12-16 during these runs), and a phase is short (~600 requests):
    // one pause of the whole process (a GC, a lost time slice) delays all 8 requests in flight by ~100 ms at once,
    // which is over 1 % of the phase, so p99 is that pause. Healthy p99 itself moved between 40 and 205 ms from run to
    // run. 50 ms covers half such a pause and is a quarter of the 200 ms operation timeout that a request waiting on the
    // down server would add; the deterministic proof that nobody waits is AssertOnlyProbes.
    private const double P99SlackMs = 50;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Site_ServerFaultsUnderLoad_No5xxNoWrongBodyDeadServerNotWaitedOnNoRenderStorm(bool failover)
    {
        var measured = Math.Clamp(ReadSeconds("FRAGMENTCACHE_SITE_SOAK_SECONDS", 14), 9, 450);
        var phase = TimeSpan.FromSeconds(measured / 9.0);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(measured * 2 + 180));
        var ct = bound.Token;

        await using var cluster = await ProxiedMemcachedCluster.StartAsync(3, ct);
        await using var site = new BlogSiteFactory(cluster.Proxies[0].Address);
        site.Settings["FragmentCache:Servers:1"] = cluster.Proxies[1].Address;
        site.Settings["FragmentCache:Servers:2"] = cluster.Proxies[2].Address;
        site.Settings["FragmentCache:Memcached:OperationTimeout"] = OperationTimeout.ToString();
        site.Settings["FragmentCache:Memcached:ConnectTimeout"] = TimeSpan.FromMilliseconds(300).ToString();
        site.Settings["FragmentCache:Memcached:BreakDuration"] = BreakDuration.ToString();
        site.Settings["FragmentCache:Memcached:MaxBreakDuration"] = MaxBreakDuration.ToString();
        site.Settings["FragmentCache:Memcached:Failover"] = failover.ToString();
        // A lease whose reply is lost in a stall or reset holds its key this long on memcached (docs/reliability.md,
        // "known"); a few times the slowest render, as the docs advise, not the 10 s default.
        site.Settings["FragmentCache:Stampede:LeaseTime"] = TimeSpan.FromSeconds(2).ToString();

        await SiteUsers.AddReadersAsync(site, 2, ct);
        var visitors = await VisitorsAsync(site);
        var pages = await PagesAsync(site);
        var load = new SiteLoad(site, visitors, pages);
        var client = ((MemcachedCacheStore)site.Services.GetRequiredService<ICacheStore>()).Client;
        bool Available(int server) => client.GetServerStatuses()[server].IsAvailable;
        var report = new Report(failover ? "failover" : "default");
        try
        {
            await RunPhasesAsync(cluster, site, load, Available, DistinctFragmentKeys(visitors, pages), report, phase, ct);
        }
        finally
        {
            report.Write();
        }

        foreach (var measuredPhase in report.Phases)
        {
            Assert.True(measuredPhase.ServerErrors == 0 && measuredPhase.Wrong == 0,
                $"{measuredPhase.Name}: {measuredPhase.ServerErrors} 5xx, {measuredPhase.Wrong} wrong of {measuredPhase.Requests}\n{measuredPhase.Problems}");
        }
    }

    private static async Task RunPhasesAsync(ProxiedMemcachedCluster cluster, BlogSiteFactory site, SiteLoad load, Func<int, bool> isAvailable,
        int distinctKeys, Report report, TimeSpan phase, CancellationToken ct)
    {
        // Cold start: every fragment key renders about once (leases make concurrent misses wait).
        report.Add(await load.RunAsync("warm-up (cold cache)", phase, MaxRequestsPerPhase, null, ct));
        report.Note($"distinct fragment keys: {distinctKeys}; renders from the cold start (sign-ins' login pages, warm-up): {site.Renders.Total}");
        report.Add(await AssertFullHitRateAsync(load, "sweep after warm-up", ct));
        var healthy = report.Add(await load.RunAsync("healthy", phase, MaxRequestsPerPhase, null, ct));

        // A fault on one server: load until its breaker opens, then a phase with it open, in which only the breaker's
        // probes reach that server (counted by its proxy), its keys render about once each (outage copies, or failover),
        // and p99 stays near the healthy one.
        async Task<LoadPhase> OneServerDownAsync(int server, string what, Func<long> reached, int perProbe)
        {
            report.Add(await load.RunAsync($"server {server} {what}, breaker closed", StateChangeTimeout, MaxRequestsPerPhase, () => !isAvailable(server), ct));
            Assert.False(isAvailable(server), $"the breaker of the {what} server did not open");
            var atOpen = reached();
            var down = report.Add(await load.RunAsync($"server {server} {what}, breaker open", phase, MaxRequestsPerPhase, null, ct));
            AssertOnlyProbes(reached() - atOpen, perProbe, down);
            Assert.InRange(down.Renders, 0, OutageBound(distinctKeys, down));
            AssertP99(down, healthy);

            return down;
        }

        // 1. One of three killed: after the breaker opens its keys are misses without I/O. Each probe is one
        // connection to the proxy, which finds nothing behind it.
        await cluster.Servers[0].KillAsync();
        var oneDead = await OneServerDownAsync(0, "killed", () => cluster.Proxies[0].AcceptedConnections, 1);

        // ... then restarted empty: its keys render once each, not once per request.
        await cluster.Servers[0].RestartAsync(ct);
        await WaitUntilAsync(() => isAvailable(0), ct);
        var restarted = report.Add(await load.RunAsync("server 0 restarted empty", phase, MaxRequestsPerPhase, null, ct));
        Assert.InRange(restarted.Renders, 0, RefillBound(distinctKeys));
        report.Add(await AssertFullHitRateAsync(load, "sweep after restart", ct));

        // 2. One stalled (replies held) for the whole phase, far longer than the operation timeout. Each probe is a
        // connection sending "mn\r\n" and at most one more no-op: 8 bytes.
        var stalled = cluster.Proxies[1];
        stalled.Stall();
        var oneStalled = await OneServerDownAsync(1, "stalled", () => stalled.BytesToServer, 8);
        stalled.Resume();
        await WaitUntilAsync(() => isAvailable(1), ct);
        report.Add(await load.RunAsync("server 1 resumed", phase, MaxRequestsPerPhase, null, ct));
        report.Add(await AssertFullHitRateAsync(load, "sweep after stall", ct));

        // 3. Connections reset in the middle of values, on every server in turn.
        report.Add(await RunWithFaultsAsync(load, "resets mid-value", phase, cluster, (proxy, random) =>
        {
            proxy.CutAfterBytes(random.Next(1, 600));
        }, ct));
        await WaitUntilAsync(() => isAvailable(0) && isAvailable(1) && isAvailable(2), ct);
        report.Add(await load.RunAsync("after resets", phase, MaxRequestsPerPhase, null, ct));
        report.Add(await AssertFullHitRateAsync(load, "sweep after resets", ct));

        // 4. Garbage in replies: random bytes and well-formed replies nobody asked for.
        report.Add(await RunWithFaultsAsync(load, "garbage in replies", phase, cluster, (proxy, random) =>
        {
            proxy.InjectGarbageOnce(Garbage(random));
        }, ct));
        await WaitUntilAsync(() => isAvailable(0) && isAvailable(1) && isAvailable(2), ct);
        report.Add(await load.RunAsync("after garbage", phase, MaxRequestsPerPhase, null, ct));
        report.Add(await AssertFullHitRateAsync(load, "sweep after garbage", ct));

        // 5. All down for a while, then back (empty): the site renders everything, then refills once.
        await cluster.KillAllAsync();
        report.Add(await load.RunAsync("all killed, breakers closing", StateChangeTimeout, MaxRequestsPerPhase, () => !isAvailable(0) && !isAvailable(1) && !isAvailable(2), ct));
        report.Add(await load.RunAsync("all down", phase, MaxRequestsPerPhase, null, ct));
        await cluster.RestartAllAsync(ct);
        await WaitUntilAsync(() => isAvailable(0) && isAvailable(1) && isAvailable(2), ct);
        var back = report.Add(await load.RunAsync("all back (empty)", phase, MaxRequestsPerPhase, null, ct));
        Assert.InRange(back.Renders, 0, RefillBound(distinctKeys));
        report.Add(await AssertFullHitRateAsync(load, "sweep after all back", ct));

        report.Note(string.Create(CultureInfo.InvariantCulture,
            $"p99: healthy {healthy.Percentile(99):F1} ms, one dead (breaker open) {oneDead.Percentile(99):F1} ms, one stalled (breaker open) {oneStalled.Percentile(99):F1} ms"));
    }

    /// <summary>A breaker probes at most once per half break (the shortest jittered break), plus one in flight.</summary>
    // A refill renders each key about once, where a cache that failed to refill would render once per request (thousands
    // per phase). The slack covers an operation that times out on a loaded machine just after the breaker closes: that
    // request renders its fragment without storing it, and the next one stores it.
    private static int RefillBound(int distinctKeys) => 2 * distinctKeys;

    // With a server down and failover off, each of its keys renders once and is then served from its outage copy for
    // Outage:CopyLifetime, so a key renders at most once per lifetime begun in the phase; without the copies it rendered
    // on every request (thousands per phase).
    private static int OutageBound(int distinctKeys, LoadPhase phase)
    {
        var lifetimes = 1 + (int)Math.Ceiling(phase.Elapsed / new FragmentCacheOutageOptions().CopyLifetime);
        return distinctKeys * lifetimes;
    }

    private static void AssertOnlyProbes(long reached, int perProbe, LoadPhase phase)
    {
        var probes = 1 + (int)Math.Ceiling(phase.Elapsed / (BreakDuration / 2));
        Assert.True(reached <= (long)probes * perProbe,
            $"{phase.Name}: {reached} reached the server while its breaker was open ({phase.Requests} requests; {probes} probes allowed)");
    }

    private static void AssertP99(LoadPhase faulty, LoadPhase healthy)
    {
        var limit = (2 * healthy.Percentile(99)) + P99SlackMs;
        Assert.True(faulty.Percentile(99) <= limit,
            string.Create(CultureInfo.InvariantCulture, $"{faulty.Name}: p99 {faulty.Percentile(99):F1} ms > 2 x healthy {healthy.Percentile(99):F1} ms + {P99SlackMs} ms"));
    }

    /// <summary>Every visitor, every page, one at a time: all served from the cache, nothing rendered.</summary>
    private static async Task<LoadPhase> AssertFullHitRateAsync(SiteLoad load, string name, CancellationToken ct)
    {
        var sweep = await load.SweepAsync(name, ct);
        Assert.True(sweep.Renders == 0 && sweep.CacheHits == sweep.Requests,
            $"{name}: {sweep.Renders} renders, {sweep.CacheHits} hits of {sweep.Requests}: " +
            string.Join(", ", sweep.Samples.Where(s => s.CacheStatus != "hit").Take(5).Select(s => s.CacheStatus ?? "none")));
        return sweep;
    }

    /// <summary>Runs the load while a fault is applied to the servers in turn every 50 ms (bounded by the phase).</summary>
    private static async Task<LoadPhase> RunWithFaultsAsync(SiteLoad load, string name, TimeSpan phase, ProxiedMemcachedCluster cluster,
        Action<FaultProxy, Random> fault, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var random = new Random(7);
        var faults = Task.Run(async () =>
        {
            var maxFaults = (int)(phase / TimeSpan.FromMilliseconds(50)) + 1;
            for (var i = 0; i < maxFaults && !stop.IsCancellationRequested; i++)
            {
                fault(cluster.Proxies[i % cluster.Proxies.Count], random);
                await Task.Delay(50, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }, ct);
        var result = await load.RunAsync(name, phase, MaxRequestsPerPhase, null, ct);
        await stop.CancelAsync();
        await faults;
        return result;
    }

    private static byte[] Garbage(Random random) => (random.Next(6)) switch
    {
        0 => Encoding.ASCII.GetBytes("EN\r\n"),
        1 => Encoding.ASCII.GetBytes("HD\r\n"),
        2 => Encoding.ASCII.GetBytes("VA 5 f1\r\nhello\r\n"),
        3 => Encoding.ASCII.GetBytes("SERVER_ERROR out of memory\r\n"),
        4 => Encoding.ASCII.GetBytes("VA 99999999\r\n"),
        _ => RandomBytes(random),
    };

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(1, 64)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < StateChangeTimeout, "the servers did not come back");
            await Task.Delay(20, ct);
        }
    }

    /// <summary>
    /// The fragment keys the load uses: a welcome box per reader and language, plus the anonymous English one the
    /// sign-ins' login pages render; per language, the three shared widgets and the listing of each tag or month page.
    /// </summary>
    private static int DistinctFragmentKeys(IReadOnlyList<SiteVisitor> visitors, IReadOnlyList<SitePage> pages)
    {
        var languages = visitors.Select(v => v.Language).Append("en").Distinct().Count();
        var welcomeBoxes = visitors.Select(v => (v.DisplayName, v.Language)).Append((null, "en")).Distinct().Count();
        var listings = pages.Count(p => p.Url.StartsWith("/tags/", StringComparison.Ordinal) || p.Url.StartsWith("/archive/", StringComparison.Ordinal));
        return welcomeBoxes + (languages * (3 + listings));
    }

    private static async Task<IReadOnlyList<SiteVisitor>> VisitorsAsync(BlogSiteFactory site) =>
    [
        new(await SiteUsers.ClientAsync(site, null), null, "en"),
        new(await SiteUsers.ClientAsync(site, null), null, "fr"),
        new(await SiteUsers.ClientAsync(site, null), null, "en"),
        new(await SiteUsers.ClientAsync(site, "ada"), "Ada Lovelace", "en"),
        new(await SiteUsers.ClientAsync(site, "grace"), "Grace Hopper", "fr"),
        new(await SiteUsers.ClientAsync(site, "alan"), "Alan Turing", "en"),
        new(await SiteUsers.ClientAsync(site, SiteUsers.UserName(1)), SiteUsers.DisplayName(1), "en"),
        new(await SiteUsers.ClientAsync(site, SiteUsers.UserName(2)), SiteUsers.DisplayName(2), "fr"),
    ];

    /// <summary>The list, three posts, two tags, a month and About, each with a text only the right page has.</summary>
    internal static async Task<IReadOnlyList<SitePage>> PagesAsync(BlogSiteFactory site)
    {
        await using var scope = site.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BlogDbContext>();
        var published = await db.Posts.AsNoTracking().Where(p => p.PublishedAt != null).Include(p => p.Tags).ToListAsync();
        published = [.. published.OrderByDescending(p => p.PublishedAt)];
        static string Html(string text) => HtmlEncoder.Default.Encode(text);
        string TitleTagged(string tag) => Html(published.First(p => p.Tags.Any(t => t.Name == tag)).Title);
        var month = published[^1].PublishedAt!.Value;
        var pages = new List<SitePage> { new("/", "<a href=\"/posts/" + published[0].Id.ToString(CultureInfo.InvariantCulture) + "/") };
        foreach (var post in new[] { published[0], published[5], published[^1] })
        {
            pages.Add(new(PostsController.PostUrl(post.Id, post.Slug), "id=\"post-title\">" + Html(post.Title) + "</h1>"));
        }

        pages.Add(new("/tags/caching", TitleTagged("caching")));
        pages.Add(new("/tags/memcached", TitleTagged("memcached")));
        pages.Add(new(string.Create(CultureInfo.InvariantCulture, $"/archive/{month.Year}/{month.Month}"), Html(published[^1].Title)));
        pages.Add(new("/about", "cached by the per-site middleware"));
        return pages;
    }

    private static double ReadSeconds(string variable, double fallback) =>
        double.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    /// <summary>The phases in order, printed as a table to the test output (and to the report file when asked).</summary>
    private sealed class Report(string name)
    {
        private readonly List<LoadPhase> _phases = [];

        public IReadOnlyList<LoadPhase> Phases => _phases;

        public LoadPhase Add(LoadPhase phase)
        {
            _phases.Add(phase);
            return phase;
        }

        private readonly List<string> _notes = [];

        public void Note(string note) => _notes.Add(note);

        public void Write()
        {
            var text = new StringBuilder()
                .AppendLine(LoadPhase.Header);
            foreach (var phase in _phases)
            {
                text.AppendLine(phase.Row());
            }

            text.AppendLine();
            foreach (var phase in _phases.Where(p => p.Requests > 0))
            {
                text.AppendLine(phase.Name + ", slowest: " + phase.Slowest(3));
            }

            text.AppendLine();
            foreach (var note in _notes)
            {
                text.AppendLine(note);
            }

            TestContext.Current.TestOutputHelper?.WriteLine(text.ToString());
            if (Environment.GetEnvironmentVariable("FRAGMENTCACHE_SITE_SOAK_REPORT") is { Length: > 0 } path)
            {
                File.WriteAllText(path + "." + name + ".md", text.ToString());
            }
        }
    }
}
