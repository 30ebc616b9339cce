using FragmentCache.Mvc.TestApp.Services;
using Microsoft.AspNetCore.Mvc;

namespace FragmentCache.Mvc.TestApp.Controllers;

/// <summary>Actions using the named stores "local", "shared" and "sessions" (see Program.cs).</summary>
public sealed class StoresController(RenderCounter counter) : Controller
{
    /// <summary>A fragment in "shared".</summary>
    public IActionResult Fragment() => View();

    /// <summary>One fragment name and tag in the main store and in "local".</summary>
    public IActionResult Twins() => View();

    /// <summary>A fragment whose profile ("onshared", configured by the test) names the store.</summary>
    public IActionResult Profiled() => View();

    /// <summary>A fragment without a store, then the same fragment in the store "default": one entry.</summary>
    public IActionResult DefaultAlias() => View();

    /// <summary>A fragment naming a store that does not exist.</summary>
    public IActionResult Unknown() => View();

    /// <summary>A page kept in "shared".</summary>
    [CachePage(Store = "shared")]
    public IActionResult Page() => Content("page " + counter.Next("stores-page"), "text/plain");

    /// <summary>Stores <paramref name="value"/> under <paramref name="id"/> in "sessions" when given, then reads it back.</summary>
    public async Task<IActionResult> Session(string id, string? value, [FromKeyedServices("sessions")] ICache sessions)
    {
        if (value is not null)
        {
            await sessions.SetAsync(id, value, cancellationToken: HttpContext.RequestAborted);
        }

        return Content(await sessions.GetAsync<string>(id, cancellationToken: HttpContext.RequestAborted) ?? "(none)", "text/plain");
    }
}
