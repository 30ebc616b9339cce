using Microsoft.AspNetCore.Mvc;

namespace DigestApp.ViewComponents;

/// <summary>A component whose view differs between the two builds.</summary>
public sealed class PopularViewComponent : ViewComponent
{
    /// <summary>Renders the default view with <paramref name="count"/> as its model.</summary>
    public IViewComponentResult Invoke(int count) => View(count);
}
