using System.Net;
using System.Text.RegularExpressions;

namespace BlogSite.Tests.Infrastructure;

/// <summary>HTTP helpers: sign in through the real form, read the cache header, save a post as the admin does.</summary>
public static partial class SiteClient
{
    public const string CacheHeader = "X-Fragment-Cache";

    public static async Task SignInAsync(this HttpClient client, string userName, string password = "password")
    {
        var token = await AntiforgeryTokenAsync(client, "/account/login");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = userName,
            ["Password"] = password,
            ["__RequestVerificationToken"] = token,
        });
        using var response = await client.PostAsync("/account/login", form);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    public static async Task<(string Html, string? Cache)> GetPageAsync(this HttpClient client, string url, string? language = null, string? theme = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (language is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(language);
        }

        if (theme is not null)
        {
            request.Headers.Add("Cookie", "theme=" + theme);
        }

        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var status = response.Headers.TryGetValues(CacheHeader, out var values) ? values.FirstOrDefault() : null;
        return (await response.Content.ReadAsStringAsync(), status);
    }

    /// <summary>Posts the admin form for <paramref name="postId"/>, changing only what is given.</summary>
    public static async Task SavePostAsync(this HttpClient admin, int postId, string? title = null, string? body = null, bool? published = null)
    {
        var editUrl = "/admin/posts/" + postId;
        var html = await admin.GetStringAsync(editUrl);
        var token = Token(html);
        var fields = new Dictionary<string, string>
        {
            ["Id"] = postId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Title"] = title ?? Field(html, "title"),
            ["Summary"] = Field(html, "summary"),
            ["Body"] = body ?? WebUtility.HtmlDecode(TextArea().Match(html).Groups[1].Value),
            ["Tags"] = Field(html, "tags"),
            ["__RequestVerificationToken"] = token,
        };
        if (published ?? html.Contains("id=\"published\" value=\"true\" checked", StringComparison.Ordinal))
        {
            fields["Published"] = "true";
        }

        using var form = new FormUrlEncodedContent(fields);
        using var response = await admin.PostAsync("/admin/posts/save", form);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    private static async Task<string> AntiforgeryTokenAsync(HttpClient client, string url) => Token(await client.GetStringAsync(url));

    private static string Token(string html) => AntiforgeryInput().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no antiforgery token");

    private static string Field(string html, string id) =>
        WebUtility.HtmlDecode(new Regex("id=\"" + id + "\" value=\"([^\"]*)\"").Match(html).Groups[1].Value);

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryInput();

    [GeneratedRegex("<textarea name=\"Body\" id=\"body\" rows=\"14\">(.*?)</textarea>", RegexOptions.Singleline)]
    private static partial Regex TextArea();
}
