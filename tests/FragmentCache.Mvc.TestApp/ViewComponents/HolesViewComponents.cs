using FragmentCache.Mvc.TestApp.Services;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ViewComponents;

namespace FragmentCache.Mvc.TestApp.ViewComponents;

/// <summary>The current user's name (or "anonymous"), counted per render.</summary>
public sealed class HolesUserNameViewComponent(RenderCounter counter) : ViewComponent
{
    /// <summary>Renders <c>&lt;span class="who"&gt;name:n&lt;/span&gt;</c>.</summary>
    public IViewComponentResult Invoke()
    {
        var name = User.Identity?.IsAuthenticated == true ? User.Identity.Name : "anonymous";
        return new HtmlContentViewComponentResult(new HtmlString(
            "<span class=\"who\">" + System.Net.WebUtility.HtmlEncode(name) + ":" + counter.Next("holes-user-name") + "</span>"));
    }
}

/// <summary>A form posting to the Holes controller (the form tag helper adds the antiforgery token).</summary>
public sealed class HolesFormViewComponent(RenderCounter counter) : ViewComponent
{
    /// <summary>Renders the form view.</summary>
    public IViewComponentResult Invoke()
    {
        counter.Next("holes-form-hole");
        return View();
    }
}

/// <summary>Echoes its arguments; throws while <see cref="RenderCounter.Fail"/> is set.</summary>
public sealed class HolesEchoViewComponent(RenderCounter counter) : ViewComponent
{
    /// <summary>Renders <c>[echo:id:kind:n]</c>.</summary>
    public IViewComponentResult Invoke(int id, DayOfWeek day)
    {
        counter.ThrowIfFailing();
        return new HtmlContentViewComponentResult(new HtmlString(
            "[echo:" + id + ":" + day + ":" + counter.Next("holes-echo") + "]"));
    }
}

/// <summary>A hole larger than the test app's MaxFragmentSize (2000 bytes).</summary>
public sealed class HolesLargeViewComponent(RenderCounter counter) : ViewComponent
{
    /// <summary>Renders 3000 characters and the render count.</summary>
    public IViewComponentResult Invoke()
        => new HtmlContentViewComponentResult(new HtmlString("<p>" + new string('x', 3000) + "[holes-large-hole:" + counter.Next("holes-large-hole") + "]</p>"));
}
