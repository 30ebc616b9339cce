using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FragmentCache.Mvc.Internal;

/// <summary>
/// Warnings about a fragment's markup, each logged once per fragment name (and attribute): they describe the template,
/// so one line tells the developer and more would only repeat it on every request.
/// </summary>
internal sealed partial class FragmentWarnings(ILoggerFactory loggers)
{
    /// <summary>The category of these warnings.</summary>
    public const string Category = "FragmentCache.Mvc.Fragments";

    // Names come from templates, so they are few; the cap only guards against names built from request data.
    private const int MaxRemembered = 1024;

    private readonly ILogger _logger = loggers.CreateLogger(Category);
    private readonly ConcurrentDictionary<string, byte> _logged = new(StringComparer.Ordinal);

    /// <summary>Logs (once) that <paramref name="fragment"/> carries an attribute that nothing binds.</summary>
    public void UnknownAttribute(string fragment, string attribute, string? suggestion)
    {
        if (First("attribute\n" + fragment + "\n" + attribute))
        {
            LogUnknownAttribute(_logger, fragment, attribute, suggestion ?? "(none close)");
        }
    }

    /// <summary>Logs (once) that <paramref name="fragment"/> was served and not stored because its render issued an antiforgery token.</summary>
    public void AntiforgeryNotStored(string fragment)
    {
        if (First("antiforgery\n" + fragment))
        {
            LogAntiforgeryNotStored(_logger, fragment);
        }
    }

    /// <summary>
    /// Logs that a stored copy of <paramref name="fragment"/> could not have its holes filled (<paramref name="reason"/>:
    /// a table that does not decode, or a component this build no longer has): the copy is dropped and the fragment renders.
    /// </summary>
    public void HolesUnusable(string fragment, string reason) => LogHolesUnusable(_logger, fragment, reason);

    private bool First(string key) => _logged.Count < MaxRemembered && _logged.TryAdd(key, 0);

    [LoggerMessage(130, LogLevel.Warning,
        "Fragment '{Fragment}' has an unknown attribute '{Attribute}' (closest known: {Suggestion}); it is ignored and the fragment is cached without it.",
        EventName = "FragmentUnknownAttribute")]
    private static partial void LogUnknownAttribute(ILogger logger, string fragment, string attribute, string suggestion);

    [LoggerMessage(131, LogLevel.Warning,
        "Fragment '{Fragment}' issued an antiforgery token while rendering (a form or @Html.AntiForgeryToken() inside it): it is served and not stored, since every visitor needs a token and cookie of their own. Move the form out of the fragment to cache it.",
        EventName = "FragmentNotStoredAntiforgery")]
    private static partial void LogAntiforgeryNotStored(ILogger logger, string fragment);

    [LoggerMessage(132, LogLevel.Warning,
        "Fragment '{Fragment}' was found in the cache with holes it cannot fill ({Reason}): the copy is invalidated and the fragment renders as a miss.",
        EventName = "FragmentHolesUnusable")]
    private static partial void LogHolesUnusable(ILogger logger, string fragment, string reason);
}
