using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using FragmentCache.Mvc.Holes;
using FragmentCache.Mvc.Pages;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace FragmentCache.WebBench;

/// <summary>
/// <c>/holes/profile?n=N</c>: the hole path of a replayed page (one <c>HoleUser</c> hole), step by step, in this process
/// on one thread: each step's mean time and allocation over N fresh requests (a new request scope and HttpContext each),
/// and the floor, the bare view-component render (helper, contextualize, invoke, write) with nothing of the cache around it.
/// </summary>
internal static class HoleProfile
{
    private static readonly Hole Light = new(HoleKind.ViewComponent, "HoleUser", []);

    public static async Task<string> RunAsync(IServiceProvider root, int? n)
    {
        var count = Math.Clamp(n ?? 20_000, 100, 200_000);
        var steps = new Dictionary<string, (long Ticks, long Bytes)>();
        var order = new List<string>();
        var renderer = root.GetRequiredService<HoleRenderer>();
        var encoder = root.GetRequiredService<HtmlEncoder>();
        var table = HoleTable.Encode([new PlacedHole(10, Light)]);

        void Add(string name, long t0, long b0)
        {
            var t = Stopwatch.GetTimestamp() - t0;
            var b = GC.GetAllocatedBytesForCurrentThread() - b0;
            if (!steps.TryGetValue(name, out var s))
            {
                order.Add(name);
            }

            steps[name] = (s.Ticks + t, s.Bytes + b);
        }

        for (var pass = 0; pass < 2; pass++)
        {
            // Pass 0 warms up (tiered JIT), pass 1 is measured.
            steps.Clear();
            order.Clear();
            for (var i = 0; i < count; i++)
            {
                await using var scope = root.CreateAsyncScope();
                var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
                http.Request.Method = "GET";
                http.Response.Headers.CacheControl = "public,max-age=600";

                long t0 = Stopwatch.GetTimestamp(), b0 = GC.GetAllocatedBytesForCurrentThread();
                HoleTable.TryDecode(table, 100, out _);
                Add("hole table decode", t0, b0);

                (t0, b0) = (Stopwatch.GetTimestamp(), GC.GetAllocatedBytesForCurrentThread());
                var r = http.RequestServices.GetRequiredService<HoleRenderer>();
                _ = r.Exists(Light);
                Add("handler: resolve HoleRenderer + Exists", t0, b0);

                (t0, b0) = (Stopwatch.GetTimestamp(), GC.GetAllocatedBytesForCurrentThread());
                _ = new ActionDescriptor();
                Add("  of which new ActionDescriptor", t0, b0);

                (t0, b0) = (Stopwatch.GetTimestamp(), GC.GetAllocatedBytesForCurrentThread());
                _ = new ViewDataDictionary(root.GetRequiredService<IModelMetadataProvider>(), new ModelStateDictionary());
                Add("  of which ViewDataDictionary + ModelState", t0, b0);

                (t0, b0) = (Stopwatch.GetTimestamp(), GC.GetAllocatedBytesForCurrentThread());
                _ = http.RequestServices.GetRequiredService<ITempDataDictionaryFactory>().GetTempData(http);
                Add("  of which TempData", t0, b0);
                http.Items.Clear();

                (t0, b0) = (Stopwatch.GetTimestamp(), GC.GetAllocatedBytesForCurrentThread());
                var viewContext = renderer.CreateViewContext(http);
                Add("CreateViewContext (total)", t0, b0);

                (t0, b0) = (Stopwatch.GetTimestamp(), GC.GetAllocatedBytesForCurrentThread());
                using (HoleScope.Enter(http))
                {
                }

                Add("HoleScope enter/exit (header snapshots)", t0, b0);
                http.Features.Set<HoleScope>(null);

                (t0, b0) = (Stopwatch.GetTimestamp(), GC.GetAllocatedBytesForCurrentThread());
                var content = await renderer.RenderAsync(Light, viewContext);
                Add("RenderAsync (total: helper, scope, invoke)", t0, b0);

                (t0, b0) = (Stopwatch.GetTimestamp(), GC.GetAllocatedBytesForCurrentThread());
                using (var text = new StringWriter(CultureInfo.InvariantCulture))
                {
                    content.Rendered.WriteTo(text, encoder);
                    _ = Encoding.UTF8.GetBytes(text.ToString());
                }

                Add("HTML -> StringWriter -> string -> UTF-8", t0, b0);

                (t0, b0) = (Stopwatch.GetTimestamp(), GC.GetAllocatedBytesForCurrentThread());
                PageReplay.MakePrivate(http.Response.Headers);
                Add("MakePrivate (Cache-Control parse/format)", t0, b0);

                // The floor: what any page rendering this component pays, on a second fresh request.
                await using var scope2 = root.CreateAsyncScope();
                var http2 = new DefaultHttpContext { RequestServices = scope2.ServiceProvider };
                var floorContext = renderer.CreateViewContext(http2);
                (t0, b0) = (Stopwatch.GetTimestamp(), GC.GetAllocatedBytesForCurrentThread());
                var helper = http2.RequestServices.GetRequiredService<IViewComponentHelper>();
                ((IViewContextAware)helper).Contextualize(floorContext);
                Add("floor: resolve + contextualize IViewComponentHelper", t0, b0);
                (t0, b0) = (Stopwatch.GetTimestamp(), GC.GetAllocatedBytesForCurrentThread());
                var html = await helper.InvokeAsync("HoleUser", new Dictionary<string, object?>());
                Add("floor: InvokeAsync (component + its Razor view)", t0, b0);
                (t0, b0) = (Stopwatch.GetTimestamp(), GC.GetAllocatedBytesForCurrentThread());
                html.WriteTo(TextWriter.Null, encoder);
                Add("floor: write HTML", t0, b0);
            }
        }

        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"hole path profile, {count} fresh requests, one thread; mean per request\n");
        foreach (var name in order)
        {
            var (ticks, bytes) = steps[name];
            sb.Append(CultureInfo.InvariantCulture, $"{name,-52} {ticks * 1_000_000.0 / Stopwatch.Frequency / count,8:F2} us {bytes / (double)count,8:F0} B\n");
        }

        return sb.ToString();
    }
}

/// <summary>
/// The floor under load, no cache: <c>/holes/floor/bare</c> writes a fixed body the size of the holes page;
/// <c>/holes/floor/component</c> writes the same body plus the <c>HoleUser</c> view component rendered for this request
/// through <see cref="IViewComponentHelper"/> (in a view context as a replayed page's holes get). Their req/s ratio is
/// what the component's own render costs a response of that size.
/// </summary>
internal static class HoleFloor
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("<li class=\"row\">a sidebar row of the holes page</li>\n", 740)));

    public static async Task BareAsync(HttpContext http)
    {
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.ContentLength = Body.Length;
        await http.Response.Body.WriteAsync(Body, http.RequestAborted);
    }

    public static async Task ComponentAsync(HttpContext http)
    {
        var renderer = http.RequestServices.GetRequiredService<HoleRenderer>();
        var helper = http.RequestServices.GetRequiredService<IViewComponentHelper>();
        ((IViewContextAware)helper).Contextualize(renderer.CreateViewContext(http));
        var html = await helper.InvokeAsync("HoleUser", new Dictionary<string, object?>());
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        html.WriteTo(text, HtmlEncoder.Default);
        var hole = Encoding.UTF8.GetBytes(text.ToString());
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.ContentLength = Body.Length + hole.Length;
        var body = http.Response.BodyWriter;
        body.Write(Body.AsSpan(0, Body.Length / 2));
        body.Write(hole);
        body.Write(Body.AsSpan(Body.Length / 2));
        await body.FlushAsync(http.RequestAborted);
    }
}
