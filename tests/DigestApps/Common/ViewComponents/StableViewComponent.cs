using Microsoft.AspNetCore.Mvc;

namespace DigestApp.ViewComponents;

/// <summary>A component identical in both builds.</summary>
public sealed class StableViewComponent : ViewComponent
{
    /// <summary>Renders the default view.</summary>
    public IViewComponentResult Invoke() => View();
}
