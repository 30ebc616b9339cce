using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;

namespace BlogSite.ViewComponents;

// The per-request parts of the layout and of the post page. Each renders as a hole (<fragment-hole>): on every
// request, a cached page's hits included, for the current user, culture and antiforgery token. They run no query
// beyond what the user's claims and the request already say, so a hit stays cheap; the welcome box's own
// <memcache-fragment> (per user) keeps its drafts query cached.

/// <summary>
/// The header's user box: "Signed in as {name}", the admin link and the sign-out form (with its antiforgery token) for
/// a signed-in user; the sign-in link for a reader.
/// </summary>
public sealed class UserMenuViewComponent : ViewComponent
{
    public IViewComponentResult Invoke() =>
        View(new UserMenuModel(UserClaimsPrincipal.Identity?.IsAuthenticated == true ? UserClaimsPrincipal.Identity.Name : null, ReturnUrl(HttpContext.Request)));

    /// <summary>
    /// The address to come back to after signing in: the path and the list's page number, as the page's cache key
    /// carries them (nothing else of the request).
    /// </summary>
    public static string ReturnUrl(HttpRequest request)
    {
        var url = request.Path.Value ?? "/";
        if (int.TryParse(request.Query["page"], CultureInfo.InvariantCulture, out var page) && page > 1)
        {
            url += "?page=" + page.ToString(CultureInfo.InvariantCulture);
        }

        return url;
    }
}

/// <summary>The comment form under a post (with its antiforgery token) for a signed-in user; "sign in to comment" for a reader.</summary>
public sealed class CommentFormViewComponent : ViewComponent
{
    public IViewComponentResult Invoke(int postId) =>
        View(new CommentFormModel(postId, UserClaimsPrincipal.Identity?.IsAuthenticated == true ? UserClaimsPrincipal.Identity.Name : null, UserMenuViewComponent.ReturnUrl(HttpContext.Request)));
}

/// <summary>The sidebar's welcome box as a hole: its <c>&lt;memcache-fragment&gt;</c> per user, looked up on every request.</summary>
public sealed class WelcomeHoleViewComponent : ViewComponent
{
    public IViewComponentResult Invoke()
    {
        var authorId = UserClaimsPrincipal.FindFirstValue(ClaimTypes.NameIdentifier);
        return View(new WelcomeHoleModel(authorId is null ? "" : "drafts:" + authorId));
    }
}

public sealed record UserMenuModel(string? DisplayName, string ReturnUrl);

public sealed record CommentFormModel(int PostId, string? DisplayName, string ReturnUrl);

public sealed record WelcomeHoleModel(string Tags);
