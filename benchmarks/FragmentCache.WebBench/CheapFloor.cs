using System.Text;
using FragmentCache.Memcached;

namespace FragmentCache.WebBench;

/// <summary>
/// The ceilings of a cheap-page hit, no cache library around them: <c>/cheap/floor</c> writes a fixed body the size of
/// the cheap page (what Kestrel and the kernel cost a response), <c>/cheap/floor/memcached</c> gets the same bytes from
/// memcached with the client's raw get and writes them (one round trip plus the write: what a page hit over memcached
/// cannot go below); <c>/cheap/floor/socket</c> does the same get on a plain pooled socket, no client at all.
/// </summary>
internal static class CheapFloor
{
    private const string Key = "webbench:cheap-floor";

    /// <summary>About the cheap page's size: the same 200 rows as its list, with the page around them.</summary>
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\" /><title>FragmentCache cheap page</title></head>\n<body>\n<h1>Recent posts</h1>\n<ul class=\"list\">\n"
        + string.Concat(SidebarRow.All.Select(r => $"<li><a href=\"/p/{r.Slug}\">{r.Author}</a>: {r.Comments} comments</li>\n"))
        + "</ul>\n</body>\n</html>\n");

    public static Task BareAsync(HttpContext http) => WriteAsync(http, Body);

    public static async Task MemcachedAsync(HttpContext http, IMemcachedClient client)
    {
        var item = await client.GetItemAsync(Key, cancellationToken: http.RequestAborted);
        if (!item.IsHit)
        {
            await client.SetAsync(Key, Body, TimeSpan.FromMinutes(10), http.RequestAborted);
            await WriteAsync(http, Body);
            return;
        }

        await WriteAsync(http, item.RawValue);
    }

    private static readonly byte[] GetRequest = Encoding.ASCII.GetBytes($"mg {Key} v\r\n");

    /// <summary>The same as <see cref="MemcachedAsync"/> on a plain pooled socket instead of the client (Ceilings/RawSocketGets.cs).</summary>
    public static async Task SocketAsync(HttpContext http, Ceilings.RawSocketGets sockets, IMemcachedClient client)
    {
        var (connection, value, hit) = await sockets.GetAsync(GetRequest, http.RequestAborted);
        try
        {
            if (!hit)
            {
                await client.SetAsync(Key, Body, TimeSpan.FromMinutes(10), http.RequestAborted);
                value = Body;
            }

            await WriteAsync(http, value);
        }
        finally
        {
            sockets.Return(connection);
        }
    }

    private static async Task WriteAsync(HttpContext http, ReadOnlyMemory<byte> body)
    {
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.ContentLength = body.Length;
        await http.Response.Body.WriteAsync(body, http.RequestAborted);
    }
}
