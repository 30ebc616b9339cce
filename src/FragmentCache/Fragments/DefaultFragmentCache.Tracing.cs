using System.Diagnostics;

namespace FragmentCache;

/// <content>The span of a lookup, made only while something listens to <see cref="FragmentActivities.Source"/>.</content>
internal sealed partial class DefaultFragmentCache
{
    /// <summary>The named store this cache serves (set by <see cref="NamedStore"/>); null for the main store.</summary>
    internal string? StoreName { get; set; }

    /// <summary>
    /// The lookup inside its span: an async method of its own, so the span is the current one for the lookup, the
    /// render and the store's calls below it, and the caller's current span is left as it was.
    /// </summary>
    private async ValueTask<FragmentResult> TraceLookupAsync(
        FragmentKey key,
        FragmentCacheEntryOptions? options,
        FragmentContentKind? kind,
        Delegate render,
        object? state,
        StatefulRender? invoke,
        CancellationToken cancellationToken)
    {
        using var activity = FragmentActivities.StartLookup(options?.MetricName ?? key.Name, StoreName);
        FragmentResult result;
        try
        {
            result = await LookupCoreAsync(key, options, kind, render, state, invoke, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (activity is not null)
        {
            FragmentActivities.Failed(activity, ex);
            throw;
        }

        if (activity is not null)
        {
            FragmentActivities.Answered(activity, result.Outcome);
        }

        return result;
    }
}
