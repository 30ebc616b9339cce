using FragmentCache.Mvc.TestApp.Services;
using Microsoft.AspNetCore.Mvc;

namespace FragmentCache.Mvc.TestApp.Controllers;

/// <summary>Under <c>/StreamingSite</c>, cached by the per-site middleware only: the streams of <see cref="StreamingController"/>.</summary>
public sealed class StreamingSiteController(RenderCounter counter, PageGate gate) : Controller
{
    /// <summary>Server-sent events, as <see cref="StreamingController.Events"/>.</summary>
    public Task Events() => StreamingController.StreamEventsAsync(HttpContext, counter.Next("streaming-site-events"), gate);

    /// <summary><paramref name="id"/> mebibytes, as <see cref="StreamingController.Download"/>.</summary>
    public Task Download(int id) => StreamingController.DownloadAsync(HttpContext, id, counter.Next("streaming-site-download"));
}
