using Microsoft.AspNetCore.Mvc;

namespace DigestApp.Controllers;

/// <summary>Shows one view of Views/Home by name, telling it which build renders it.</summary>
public sealed class HomeController : Controller
{
    /// <summary>Renders the view named <paramref name="id"/>.</summary>
    public IActionResult Show(string id)
    {
        ViewBag.Build = typeof(HomeController).Assembly.GetName().Name;
        return View(id);
    }
}
