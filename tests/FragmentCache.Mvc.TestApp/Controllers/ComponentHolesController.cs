using Microsoft.AspNetCore.Mvc;

namespace FragmentCache.Mvc.TestApp.Controllers;

/// <summary>A <c>&lt;MemcacheFragment&gt;</c> with a <c>&lt;FragmentHole&gt;</c>, rendered into an MVC view.</summary>
public sealed class ComponentHolesController : Controller
{
    /// <summary>The fragment for post <paramref name="id"/>; <c>?text=</c> goes into its content.</summary>
    public IActionResult Index(int id) => View(id);
}
