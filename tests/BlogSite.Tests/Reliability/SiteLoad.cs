using System.Diagnostics;
using BlogSite.Tests.Infrastructure;

namespace BlogSite.Tests.Reliability;

/// <summary>
/// An in-test load generator: one worker per visitor, each asking for the pages in turn (starting at a different
/// page) with a short pause between requests, so the two shared cores are busy but not saturated and latency
/// measures the site rather than the run queue. Every response is checked by its visitor. A run is bounded by
/// time, by a request count and by the test's cancellation; each request by <see cref="RequestTimeout"/>.
/// </summary>
public sealed class SiteLoad(BlogSiteFactory site, IReadOnlyList<SiteVisitor> visitors, IReadOnlyList<SitePage> pages)
{
    /// <summary>The longest one request may take before it counts as wrong.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The pause of a worker between two requests. The default is 4 ms.</summary>
    public TimeSpan Pause { get; init; } = TimeSpan.FromMilliseconds(4);

    /// <summary>Runs the workers until <paramref name="duration"/> has passed, <paramref name="maxRequests"/> were sent
    /// or <paramref name="stopWhen"/> (checked between requests) says so.</summary>
    public async Task<LoadPhase> RunAsync(string name, TimeSpan duration, int maxRequests, Func<bool>? stopWhen, CancellationToken cancellationToken)
    {
        var rendersBefore = site.Renders.Total;
        var clock = Stopwatch.StartNew();
        var sent = 0;
        var workers = visitors.Select((visitor, index) => Task.Run(async () =>
        {
            var samples = new List<SiteSample>();
            for (var i = index; clock.Elapsed < duration && !cancellationToken.IsCancellationRequested && stopWhen?.Invoke() != true; i++)
            {
                if (Interlocked.Increment(ref sent) > maxRequests)
                {
                    break;
                }

                samples.Add(await SendAsync(visitor, pages[i % pages.Count], clock, cancellationToken));
                await Task.Delay(Pause, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            return samples;
        }, cancellationToken)).ToArray();

        var all = (await Task.WhenAll(workers)).SelectMany(s => s).OrderBy(s => s.StartedMs).ToList();
        return new LoadPhase(name, all, clock.Elapsed, site.Renders.Total - rendersBefore);
    }

    /// <summary>Every visitor asks for every page once, one at a time (no load): the state the cache is in.</summary>
    public async Task<LoadPhase> SweepAsync(string name, CancellationToken cancellationToken)
    {
        var rendersBefore = site.Renders.Total;
        var clock = Stopwatch.StartNew();
        var samples = new List<SiteSample>();
        foreach (var visitor in visitors)
        {
            foreach (var page in pages)
            {
                samples.Add(await SendAsync(visitor, page, clock, cancellationToken));
            }
        }

        return new LoadPhase(name, samples, clock.Elapsed, site.Renders.Total - rendersBefore);
    }

    private static async Task<SiteSample> SendAsync(SiteVisitor visitor, SitePage page, Stopwatch clock, CancellationToken cancellationToken)
    {
        var started = clock.Elapsed.TotalMilliseconds;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, page.Url);
        request.Headers.AcceptLanguage.ParseAdd(visitor.Language);
        try
        {
            using var response = await visitor.Client.SendAsync(request, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            var latency = clock.Elapsed.TotalMilliseconds - started;
            var status = (int)response.StatusCode;
            var cache = response.Headers.TryGetValues(SiteClient.CacheHeader, out var values) ? values.FirstOrDefault() : null;
            var problem = status == 200 ? visitor.Check(page, body) : $"{page.Url}: status {status}";
            return new SiteSample(page.Url, visitor.Name, started, latency, status, problem, cache);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SiteSample(page.Url, visitor.Name, started, clock.Elapsed.TotalMilliseconds - started, 0, $"{page.Url}: no response within {RequestTimeout.TotalSeconds} s", null);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or InvalidOperationException)
        {
            // The in-process server rethrows what the site threw after the response had started.
            return new SiteSample(page.Url, visitor.Name, started, clock.Elapsed.TotalMilliseconds - started, 0, $"{page.Url}: {exception.GetType().Name}: {exception.Message}", null);
        }
    }
}
