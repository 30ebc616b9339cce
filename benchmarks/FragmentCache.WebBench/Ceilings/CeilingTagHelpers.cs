using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using FragmentCache.Memcached;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace FragmentCache.WebBench.Ceilings;

/// <summary>
/// <c>&lt;ceiling-fixed&gt;</c>: the ceiling of any in-process fragment cache. Its content renders once per process;
/// every later request writes that string, with no key, no lookup and no freshness check. A cache can only add to this.
/// It takes the attributes the page gives <c>&lt;memcache-fragment&gt;</c> and <c>&lt;cache&gt;</c>, and the view context,
/// so Razor binds and activates it as it does them.
/// </summary>
[HtmlTargetElement("ceiling-fixed")]
public sealed class CeilingFixedTagHelper : CeilingShape
{
    private static HtmlString? s_html;

    /// <inheritdoc/>
    public override async Task ProcessAsync(TagHelperContext context, TagHelperOutput output)
    {
        output.TagName = null;
        s_html ??= new HtmlString((await output.GetChildContentAsync()).GetContent());
        output.Content.SetHtmlContent(s_html);
    }
}

/// <summary>
/// <c>&lt;ceiling-get via="socket|client"&gt;</c>: the ceiling of a fragment cache over memcached. One get of a fixed
/// key per request, through a plain pooled socket (<see cref="RawSocketGets"/>) or the client's own get, and the
/// value's UTF-8 written into the page; no key building, no vary, no entry format, no tags. A miss renders the content
/// and stores it with the client.
/// </summary>
[HtmlTargetElement("ceiling-get")]
public sealed class CeilingGetTagHelper(RawSocketGets sockets, IMemcachedClient client) : CeilingShape
{
    private const string Key = "webbench:cheap-list-ceiling";
    private static readonly byte[] Request = Encoding.ASCII.GetBytes($"mg {Key} v\r\n");

    /// <summary><c>socket</c> (the default) or <c>client</c>.</summary>
    [HtmlAttributeName("via")]
    public string Via { get; set; } = "socket";

    /// <inheritdoc/>
    public override async Task ProcessAsync(TagHelperContext context, TagHelperOutput output)
    {
        output.TagName = null;
        if (Via == "client")
        {
            var item = await client.GetItemAsync(Key);
            if (item.IsHit)
            {
                output.Content.SetHtmlContent(new Utf8Content(item.RawValue, null, null));
                return;
            }
        }
        else
        {
            var (connection, value, hit) = await sockets.GetAsync(Request, CancellationToken.None);
            if (hit)
            {
                // The socket's buffer holds the value until the page is written: the connection goes back after that.
                output.Content.SetHtmlContent(new Utf8Content(value, sockets, connection));
                return;
            }

            sockets.Return(connection);
        }

        var html = (await output.GetChildContentAsync()).GetContent();
        await client.SetAsync(Key, Encoding.UTF8.GetBytes(html), TimeSpan.FromMinutes(10));
        output.Content.SetHtmlContent(html);
    }

    /// <summary>UTF-8 HTML written into the page's text writer in pooled chunks; returns its socket when written.</summary>
    private sealed class Utf8Content(ReadOnlyMemory<byte> utf8, RawSocketGets? sockets, RawSocketGets.Connection? connection) : IHtmlContent
    {
        public void WriteTo(TextWriter writer, HtmlEncoder encoder)
        {
            var chars = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(utf8.Length));
            try
            {
                int count = Encoding.UTF8.GetChars(utf8.Span, chars);
                writer.Write(chars.AsSpan(0, count));
            }
            finally
            {
                ArrayPool<char>.Shared.Return(chars);
                if (connection is not null)
                {
                    sockets!.Return(connection);
                }
            }
        }
    }
}

/// <summary>
/// The attributes a fragment tag on the cheap page carries (a name, an expiry, a query key it varies by) and the view
/// context, bound and never read: a ceiling pays what Razor does for a tag of that shape, and nothing else.
/// </summary>
public abstract class CeilingShape : TagHelper
{
    /// <summary>The fragment's name, as on <c>&lt;memcache-fragment&gt;</c>.</summary>
    [HtmlAttributeName("name")]
    public string? Name { get; set; }

    /// <summary>The expiry, as on <c>&lt;cache&gt;</c> and <c>&lt;memcache-fragment&gt;</c>.</summary>
    [HtmlAttributeName("expires-after")]
    public TimeSpan? ExpiresAfter { get; set; }

    /// <summary>The query keys, as on <c>&lt;cache&gt;</c> and <c>&lt;memcache-fragment&gt;</c>.</summary>
    [HtmlAttributeName("vary-by-query")]
    public string? VaryByQuery { get; set; }

    /// <summary>The view being rendered (set by Razor).</summary>
    [HtmlAttributeNotBound]
    [ViewContext]
    public ViewContext ViewContext { get; set; } = default!;
}
