using System.Diagnostics;
using FragmentCache.Mvc.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FragmentCache.Mvc.Pages;

/// <summary>
/// The span of a page lookup (the [CachePage] filter, <c>.CachePage()</c>, <c>UseCachePage</c> and <c>UseSiteCache</c>
/// alike), on the activity source <see cref="FragmentCacheTelemetry.ActivitySourceName"/>: named <c>page</c> and the
/// route template, kind Internal, with the template (<c>http.route</c>) and the outcome. It stands for the page's own
/// fragment lookup, so the fragments its render looks up are its children. Never the path, a key or content.
/// </summary>
internal static class PageActivities
{
    public const string RouteAttribute = "http.route";
    public const string OutcomeAttribute = "fragmentcache.outcome";
    public const string ErrorTypeAttribute = "error.type";

    /// <summary>The core's name for "the current span stands for the next fragment lookup" (its FragmentActivities).</summary>
    private const string PendingLookupProperty = "FragmentCache.PendingLookup";

    private static readonly ActivitySource Source = new(FragmentCacheTelemetry.ActivitySourceName, typeof(PageActivities).Assembly.GetName().Version?.ToString());

    /// <summary>Starts the span of the request's page lookup; null (and nothing allocated) when nothing listens.</summary>
    public static Activity? Start(HttpContext context)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(PageMetricName.For(context), ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true } && context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } template })
        {
            activity.SetTag(RouteAttribute, template);
        }

        return activity;
    }

    /// <summary>The next fragment lookup is the page's own: the core records it on this span instead of a child.</summary>
    public static void LookingUp(Activity? activity) => activity?.SetCustomProperty(PendingLookupProperty, true);

    /// <summary>The page's lookup answered.</summary>
    public static void Answered(Activity? activity, FragmentOutcome outcome)
    {
        if (activity is not null)
        {
            activity.SetCustomProperty(PendingLookupProperty, null);
            activity.SetTag(OutcomeAttribute, OutcomeName(outcome));
        }
    }

    /// <summary>The page's lookup threw (a render it joined failed): this request runs its own action, uncached.</summary>
    public static void Failed(Activity? activity, Exception exception)
    {
        if (activity is not null)
        {
            activity.SetCustomProperty(PendingLookupProperty, null);
            activity.SetTag(ErrorTypeAttribute, exception.GetType().FullName);
            activity.SetStatus(ActivityStatusCode.Error);
        }
    }

    private static string OutcomeName(FragmentOutcome outcome) => outcome switch
    {
        FragmentOutcome.Hit => "hit",
        FragmentOutcome.LocalHit => "local_hit",
        FragmentOutcome.StaleHit => "stale_hit",
        FragmentOutcome.NotStored => "not_stored",
        _ => "miss",
    };
}
