using Microsoft.AspNetCore.Mvc;

namespace FragmentCache.Mvc.TestApp.Controllers;

/// <summary>A fragment served stale while one request re-renders it.</summary>
public sealed class RevalidateController : Controller
{
    /// <summary>The fragment, with a one-second expiration and a thirty-second stale window.</summary>
    public IActionResult Index() => View();
}
