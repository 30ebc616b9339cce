using System.Globalization;
using System.Text;

namespace FragmentCache.Benchmarks.Bdn;

/// <summary>HTML shaped like the WebBench page's 200-row sidebar (about 38 KB, ASCII), or a smaller cut of it.</summary>
internal static class SidebarHtml
{
    public static string Create(int rows)
    {
        var html = new StringBuilder("<ol class=\"sidebar\">\n");
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 1; i <= rows; i++)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"    <li class=\"row-{(i % 2 == 0 ? "even" : "odd")}\"><a href=\"/posts/post-{i}\">Popular post number {i} about caching &amp; &lt;fragments&gt;</a> by author{i % 17} on {start.AddHours(i * 7).ToString("dddd d MMMM yyyy HH:mm", CultureInfo.InvariantCulture)}, score {(i * 37 % 1000) / 10m:N1}, {i * 13 % 250} comments</li>\n");
        }

        return html.Append("</ol>\n").ToString();
    }
}
