using FragmentCache.Mvc;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OutputCaching;

namespace FragmentCache.WebBench.Controllers;

/// <summary>
/// The same page, one route per variant. The page variants render the sidebar uncached inside the page and let
/// the attribute cache the whole response. Under <c>/cheap/</c> the same variants serve the cheap page: an
/// <c>&lt;h1&gt;</c> and a list of 200 short rows (about 11 KB), cheap to render, so a hit's own cost shows. <c>?run=ID</c> (cold-page test) varies the cached sidebar or page and
/// counts its renders under that id.
/// </summary>
public sealed class BenchController : Controller
{
    /// <summary>No caching: the 200-row sidebar renders on every request.</summary>
    [HttpGet("/none")]
    public IActionResult None(string? run) => Page("none", run);

    /// <summary>The sidebar in the built-in <c>&lt;cache&gt;</c> (in memory).</summary>
    [HttpGet("/cache")]
    public IActionResult Cache(string? run) => Page("cache", run);

    /// <summary>The sidebar in the built-in <c>&lt;distributed-cache&gt;</c> over this process's IDistributedCache.</summary>
    [HttpGet("/dcache")]
    public IActionResult DistributedCache(string? run) => Page("dcache", run);

    /// <summary>The sidebar in <c>&lt;memcache-fragment&gt;</c> over Memcached (two-tier as configured).</summary>
    [HttpGet("/fragment")]
    public IActionResult Fragment(string? run) => Page("fragment", run);

    /// <summary>The whole page under the built-in <c>[OutputCache]</c> (in memory).</summary>
    [HttpGet("/outputcache")]
    [OutputCache(Duration = 600, VaryByQueryKeys = ["run"])]
    public IActionResult OutputCache(string? run) => Page("none", run);

    /// <summary>The whole page under <c>[CachePage]</c> over Memcached (two-tier as configured).</summary>
    [HttpGet("/cachepage")]
    [CachePage(Duration = 600)]
    public IActionResult CachePage(string? run) => Page("none", run);

    /// <summary>Cheap page, no caching: the 200-row list renders on every request.</summary>
    [HttpGet("/cheap/none")]
    public IActionResult CheapNone(string? run) => CheapPage("none", run);

    /// <summary>Cheap page: the list in the built-in <c>&lt;cache&gt;</c> (in memory).</summary>
    [HttpGet("/cheap/cache")]
    public IActionResult CheapCache(string? run) => CheapPage("cache", run);

    /// <summary>Cheap page: the list in the built-in <c>&lt;distributed-cache&gt;</c> over this process's IDistributedCache.</summary>
    [HttpGet("/cheap/dcache")]
    public IActionResult CheapDistributedCache(string? run) => CheapPage("dcache", run);

    /// <summary>Cheap page: the list in <c>&lt;memcache-fragment&gt;</c> over Memcached (two-tier as configured).</summary>
    [HttpGet("/cheap/fragment")]
    public IActionResult CheapFragment(string? run) => CheapPage("fragment", run);

    /// <summary>Cheap page: the whole page under the built-in <c>[OutputCache]</c> (in memory).</summary>
    [HttpGet("/cheap/outputcache")]
    [OutputCache(Duration = 600, VaryByQueryKeys = ["run"])]
    public IActionResult CheapOutputCache(string? run) => CheapPage("none", run);

    /// <summary>Cheap page: the whole page under <c>[CachePage]</c> over Memcached (two-tier as configured).</summary>
    [HttpGet("/cheap/cachepage")]
    [CachePage(Duration = 600)]
    public IActionResult CheapCachePage(string? run) => CheapPage("none", run);

    /// <summary>Cheap page, a fragment's ceiling in process: the list rendered once, then written with no lookup at all (Ceilings/).</summary>
    [HttpGet("/cheap/ceiling/fixed")]
    public IActionResult CheapCeilingFixed() => CheapPage("ceiling-fixed", null);

    /// <summary>Cheap page, a fragment's ceiling over memcached: one get of a fixed key on a plain pooled socket (Ceilings/).</summary>
    [HttpGet("/cheap/ceiling/socket")]
    public IActionResult CheapCeilingSocket() => CheapPage("ceiling-socket", null);

    /// <summary>Cheap page, a fragment's ceiling over memcached: one get of a fixed key through the client's own get (Ceilings/).</summary>
    [HttpGet("/cheap/ceiling/client")]
    public IActionResult CheapCeilingClient() => CheapPage("ceiling-client", null);

    /// <summary>Holes (a): the whole page under <c>[CachePage]</c>, a hit without holes (benchmarks/holes-web.sh).</summary>
    [HttpGet("/holes/none")]
    [CachePage(Duration = 600)]
    public IActionResult HolesNone() => Page("holes-none", null);

    /// <summary>Holes (b): the same page with one hole, a form with its antiforgery token (<c>HoleForm</c>).</summary>
    [HttpGet("/holes/form")]
    [CachePage(Duration = 600)]
    public IActionResult HolesForm() => Page("holes-form", null);

    /// <summary>Holes (c): the same page with one light view-component hole (<c>HoleUser</c>).</summary>
    [HttpGet("/holes/light")]
    [CachePage(Duration = 600)]
    public IActionResult HolesLight() => Page("holes-light", null);

    /// <summary>Holes (d): the page of (c) uncached; the sidebar and the view component render on every request.</summary>
    [HttpGet("/holes/uncached")]
    public IActionResult HolesUncached() => Page("holes-light", null);

    private ViewResult Page(string variant, string? run) => View("Page", new PageModel(variant, run));

    private ViewResult CheapPage(string variant, string? run) => View("Cheap", new PageModel(variant, run));
}
