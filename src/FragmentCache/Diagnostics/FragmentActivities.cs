using System.Diagnostics;

namespace FragmentCache;

/// <summary>
/// The spans of fragment lookups, on the activity source <see cref="FragmentCacheTelemetry.ActivitySourceName"/>.
/// Attributes carry the fragment's label, the outcome and the store's name, never keys or content.
/// </summary>
internal static class FragmentActivities
{
    /// <summary>The fragment's label (<see cref="FragmentCacheEntryOptions.MetricName"/> or the key's name).</summary>
    public const string FragmentAttribute = "fragmentcache.fragment.name";

    /// <summary>How the lookup was answered: hit, local_hit, stale_hit, miss, not_stored.</summary>
    public const string OutcomeAttribute = "fragmentcache.outcome";

    /// <summary>The named store the lookup went to; absent for the main store.</summary>
    public const string StoreAttribute = "fragmentcache.store.name";

    /// <summary>The exception type a lookup failed with (OpenTelemetry's <c>error.type</c>).</summary>
    public const string ErrorTypeAttribute = "error.type";

    /// <summary>
    /// The custom property a page span sets while the page's own lookup is about to run: that lookup is the page span's,
    /// so it makes no span of its own (one span per page, the fragments of its render below it). Written by the MVC layer's
    /// page handler with the same name.
    /// </summary>
    public const string PendingLookupProperty = "FragmentCache.PendingLookup";

    public static readonly ActivitySource Source = new(FragmentCacheTelemetry.ActivitySourceName, typeof(FragmentActivities).Assembly.GetName().Version?.ToString());

    /// <summary>
    /// Starts the span of one fragment lookup; null when nothing samples it, or when the current span is a page's that
    /// stands for this lookup (it then takes the store's name).
    /// </summary>
    public static Activity? StartLookup(string label, string? storeName)
    {
        if (Activity.Current is { } current && current.GetCustomProperty(PendingLookupProperty) is not null)
        {
            current.SetCustomProperty(PendingLookupProperty, null);
            if (storeName is not null)
            {
                current.SetTag(StoreAttribute, storeName);
            }

            return null;
        }

        var activity = Source.StartActivity("fragment " + label, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(FragmentAttribute, label);
            if (storeName is not null)
            {
                activity.SetTag(StoreAttribute, storeName);
            }
        }

        return activity;
    }

    /// <summary>The lookup answered.</summary>
    public static void Answered(Activity activity, FragmentOutcome outcome) => activity.SetTag(OutcomeAttribute, OutcomeName(outcome));

    /// <summary>The lookup threw (the store failed with ThrowOnError set, the render failed, or it was cancelled).</summary>
    public static void Failed(Activity activity, Exception exception)
    {
        activity.SetTag(ErrorTypeAttribute, exception.GetType().FullName);
        activity.SetStatus(ActivityStatusCode.Error);
    }

    /// <summary>The value of the <c>outcome</c> tags and attributes.</summary>
    public static string OutcomeName(FragmentOutcome outcome) => outcome switch
    {
        FragmentOutcome.Hit => "hit",
        FragmentOutcome.LocalHit => "local_hit",
        FragmentOutcome.StaleHit => "stale_hit",
        FragmentOutcome.NotStored => "not_stored",
        _ => "miss",
    };
}
