using System.Text.RegularExpressions;

namespace BlogSite.Tests.Reliability;

/// <summary>One person on the site: an <see cref="HttpClient"/> with its own cookies, signed in as
/// <see cref="DisplayName"/> or anonymous (<c>null</c>), asking for pages in <see cref="Language"/>.</summary>
public sealed partial record SiteVisitor(HttpClient Client, string? DisplayName, string Language)
{
    /// <summary>"Ada Lovelace/en", "anonymous/fr": for reports.</summary>
    public string Name => (DisplayName ?? "anonymous") + "/" + Language;

    /// <summary>
    /// What is wrong with a 200 response's body for this visitor, or <c>null</c>: the page's own text, the five
    /// sidebar widgets, the language; for a signed-in visitor their own name in the header and the welcome box and
    /// nobody else's; for an anonymous one no signed-in header or welcome box at all.
    /// </summary>
    public string? Check(SitePage page, string body)
    {
        if (!body.Contains(page.MustContain, StringComparison.Ordinal))
        {
            return $"{page.Url}: missing '{page.MustContain}'";
        }

        if (!body.TrimEnd().EndsWith("</html>", StringComparison.Ordinal))
        {
            return $"{page.Url}: incomplete document";
        }

        foreach (var widget in Widgets)
        {
            if (!body.Contains(widget, StringComparison.Ordinal))
            {
                return $"{page.Url}: missing {widget}";
            }
        }

        if (!body.Contains("<html lang=\"" + Language + "\"", StringComparison.Ordinal))
        {
            return $"{page.Url}: not in '{Language}'";
        }

        var header = SignedInAs().Matches(body);
        var welcome = WelcomeName().Matches(body);
        if (DisplayName is null)
        {
            return header.Count == 0 && welcome.Count == 0
                ? null
                : $"{page.Url}: anonymous visitor got a signed-in page ('{(header.Count > 0 ? header[0] : welcome[0]).Groups[1].Value}')";
        }

        if (header is not [var shown] || shown.Groups[1].Value != DisplayName)
        {
            return $"{page.Url}: {DisplayName} saw header '{string.Join("|", header.Select(m => m.Groups[1].Value))}'";
        }

        if (welcome is not [var box] || box.Groups[1].Value != DisplayName)
        {
            return $"{page.Url}: {DisplayName} saw welcome box '{string.Join("|", welcome.Select(m => m.Groups[1].Value))}'";
        }

        return null;
    }

    private static readonly string[] Widgets =
    [
        "data-widget=\"welcome\"", "data-widget=\"popular-posts\"", "data-widget=\"tag-cloud\"", "data-widget=\"archive\"",
        "data-widget=\"stats\"",
    ];

    [GeneratedRegex("<span class=\"user\" id=\"signed-in-as\">([^<]*)</span>")]
    private static partial Regex SignedInAs();

    [GeneratedRegex("<h3 class=\"welcome-name\">[^<,]*, ([^<]*)</h3>")]
    private static partial Regex WelcomeName();
}

/// <summary>A page of the site and a text every response of it must contain (a post's title, a listing's first entry).</summary>
public sealed record SitePage(string Url, string MustContain);
