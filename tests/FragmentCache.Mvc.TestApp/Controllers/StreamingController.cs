using FragmentCache.Mvc.TestApp.Services;
using Microsoft.AspNetCore.Mvc;

namespace FragmentCache.Mvc.TestApp.Controllers;

/// <summary>Responses that stream, under <c>[CachePage]</c>.</summary>
[CachePage(Duration = 60)]
public sealed class StreamingController(RenderCounter counter, PageGate gate) : Controller
{
    /// <summary>The size of one chunk of <see cref="Download"/>.</summary>
    public const int ChunkSize = 64 * 1024;

    /// <summary>Server-sent events: one event, flushed, then a second once the test releases the gate.</summary>
    public Task Events() => StreamEventsAsync(HttpContext, counter.Next("streaming-events"), gate);

    /// <summary>Server-sent events through <c>Response.WriteAsync</c> only (the body writer's flush), no explicit flush.</summary>
    public async Task WriterEvents()
    {
        var run = counter.Next("streaming-writer-events");
        Response.ContentType = "text/event-stream";
        await Response.WriteAsync("data: first " + run + "\n\n", HttpContext.RequestAborted);
        await gate.Release.Task.WaitAsync(HttpContext.RequestAborted);
        await Response.WriteAsync("data: second " + run + "\n\n", HttpContext.RequestAborted);
    }

    /// <summary>JSON through MVC's formatter: not a stream, stored.</summary>
    public IActionResult Json() => Json(new { run = counter.Next("streaming-json") });

    /// <summary>JSON through <c>WriteAsJsonAsync</c>, which starts the response and writes to the body writer: stored.</summary>
    public Task WrittenJson() => Response.WriteAsJsonAsync(new { run = counter.Next("streaming-written-json") }, HttpContext.RequestAborted);

    /// <summary>
    /// Server-sent events that wait for the gate before the first event and then run until the client leaves, so the
    /// action never ends while a test looks at it.
    /// </summary>
    public async Task HeldEvents()
    {
        var run = counter.Next("streaming-held");
        await gate.Release.Task.WaitAsync(HttpContext.RequestAborted);
        Response.ContentType = "text/event-stream";
        await Response.Body.WriteAsync(System.Text.Encoding.ASCII.GetBytes("data: first " + run + "\n\n"), HttpContext.RequestAborted);
        await Response.Body.FlushAsync(HttpContext.RequestAborted);
        try
        {
            await Task.Delay(Timeout.Infinite, HttpContext.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client left: the stream ends.
        }
    }

    /// <summary><paramref name="id"/> mebibytes of <c>x</c>, written in chunks from one reused buffer, with no Content-Length.</summary>
    public Task Download(int id) => DownloadAsync(HttpContext, id, counter.Next("streaming-download"));

    /// <summary>The events of <see cref="Events"/>, shared with the per-site controller.</summary>
    public static async Task StreamEventsAsync(HttpContext context, int run, PageGate gate)
    {
        context.Response.ContentType = "text/event-stream";
        await context.Response.Body.WriteAsync(System.Text.Encoding.ASCII.GetBytes("data: first " + run + "\n\n"), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        await gate.Release.Task.WaitAsync(context.RequestAborted);
        await context.Response.Body.WriteAsync(System.Text.Encoding.ASCII.GetBytes("data: second " + run + "\n\n"), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    /// <summary>The body of <see cref="Download"/>, shared with the per-site controller.</summary>
    public static async Task DownloadAsync(HttpContext context, int mebibytes, int run)
    {
        context.Response.ContentType = "application/octet-stream";
        context.Response.Headers["X-Run"] = run.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var chunk = new byte[ChunkSize];
        chunk.AsSpan().Fill((byte)'x');
        var chunks = mebibytes * (1024 * 1024 / ChunkSize);
        for (var i = 0; i < chunks; i++)
        {
            await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
        }
    }
}
