using Microsoft.AspNetCore.Mvc;
namespace FragmentCache.Mvc.TestApp.Controllers;
public sealed class HomeController : Controller
{
    public IActionResult Index() => View();
}
