using Microsoft.AspNetCore.Mvc;

namespace DigestApp.ViewComponents;

/// <summary>A component whose code differs between the two builds; its view does not.</summary>
public sealed class CodedViewComponent : ViewComponent
{
    /// <summary>Renders the default view with this build's greeting.</summary>
    public IViewComponentResult Invoke() => View<string>("Default", "build B");
}
