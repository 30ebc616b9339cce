using System.Net;
using System.Text.RegularExpressions;
using BlogSite.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;

namespace BlogSite.Tests.Holes;

/// <summary>
/// One person on the site with a cookie jar the test can read: signed in through the real form, then holding only the
/// sign-in cookie (no antiforgery cookie yet), so the first page that shows a form must hand one out.
/// </summary>
public sealed partial class HoleVisitor : IDisposable
{
    private static readonly Uri Site = new("http://localhost/");

    private HoleVisitor(string? displayName, HttpClient client, CookieContainer cookies)
    {
        DisplayName = displayName;
        Client = client;
        Cookies = cookies;
    }

    /// <summary>The signed-in user's name, or <c>null</c> for a reader.</summary>
    public string? DisplayName { get; }

    public HttpClient Client { get; }

    public CookieContainer Cookies { get; }

    /// <summary>This visitor's antiforgery cookie value, or <c>null</c> while it has none.</summary>
    public string? AntiforgeryCookie =>
        Cookies.GetCookies(Site).FirstOrDefault(c => c.Name.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal))?.Value;

    /// <summary>A reader with an empty cookie jar.</summary>
    public static HoleVisitor Anonymous(BlogSiteFactory site) => Create(site, null, new CookieContainer());

    /// <summary>
    /// Signs in as <paramref name="userName"/> and opens the home page once (so the user's own welcome box is cached, as
    /// after any sign-in), then keeps only the sign-in cookie.
    /// </summary>
    public static async Task<HoleVisitor> SignedInAsync(BlogSiteFactory site, string userName, string displayName)
    {
        var jar = new CookieContainer();
        using (var signIn = Create(site, displayName, jar))
        {
            await signIn.Client.SignInAsync(userName);
            var (home, _) = await signIn.Client.GetPageAsync("/");
            Assert.Contains("id=\"signed-in-as\">" + displayName + "<", home, StringComparison.Ordinal);
        }

        var auth = jar.GetCookies(Site)["blog.auth"] ?? throw new InvalidOperationException("no sign-in cookie");
        var cookies = new CookieContainer();
        cookies.Add(Site, new Cookie(auth.Name, auth.Value, "/"));
        return Create(site, displayName, cookies);
    }

    /// <summary>GETs <paramref name="url"/>, expecting a 200.</summary>
    public async Task<HolePage> GetAsync(string url, string language = "en")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.AcceptLanguage.ParseAdd(language);
        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        return new HolePage(
            html,
            response.Headers.TryGetValues(SiteClient.CacheHeader, out var status) ? status.FirstOrDefault() : null,
            response.Headers.CacheControl?.ToString() ?? "",
            response.Headers.TryGetValues("Set-Cookie", out var setCookie) ? [.. setCookie] : [],
            CommentToken().Match(html) is { Success: true } m ? m.Groups[1].Value : null,
            [.. SignedInAs().Matches(html).Select(n => n.Groups[1].Value)]);
    }

    /// <summary>Posts a comment on post <paramref name="postId"/> with <paramref name="token"/>; returns the response.</summary>
    public async Task<HttpResponseMessage> CommentAsync(int postId, string? token, string body)
    {
        var fields = new Dictionary<string, string> { ["Body"] = body };
        if (token is not null)
        {
            fields["__RequestVerificationToken"] = token;
        }

        using var form = new FormUrlEncodedContent(fields);
        return await Client.PostAsync("/posts/" + postId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/comments", form);
    }

    public void Dispose() => Client.Dispose();

    private static HoleVisitor Create(BlogSiteFactory site, string? displayName, CookieContainer cookies) =>
        new(displayName, site.CreateDefaultClient(new CookieContainerHandler(cookies)), cookies);

    [GeneratedRegex("<form method=\"post\" action=\"/posts/\\d+/comments\">.*?name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"", RegexOptions.Singleline)]
    private static partial Regex CommentToken();

    [GeneratedRegex("<span class=\"user\" id=\"signed-in-as\">([^<]*)</span>")]
    private static partial Regex SignedInAs();
}

/// <summary>A page as one visitor got it: the body, X-Fragment-Cache, Cache-Control, Set-Cookie, the comment form's token, the header's names.</summary>
public sealed record HolePage(string Html, string? Cache, string CacheControl, IReadOnlyList<string> SetCookies, string? CommentToken, IReadOnlyList<string> SignedInAs)
{
    /// <summary>Whether the response handed out an antiforgery cookie.</summary>
    public bool SetsAntiforgeryCookie => SetCookies.Any(c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
}
