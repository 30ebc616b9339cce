namespace FragmentCache.Mvc.Pages;

/// <summary>
/// What the code a page cache wraps says of the response it produced, read once it has run: store it, serve it without
/// storing it (and why), or write nothing of it because the action failed and the framework reports the error.
/// </summary>
internal readonly record struct PageVerdict(string? NotStored, bool ActionFailed)
{
    /// <summary>The response may be stored, if the storage rules allow it.</summary>
    public static PageVerdict Storable => default;

    /// <summary>The action failed: nothing captured is stored or written.</summary>
    public static PageVerdict Failed => new("the action failed", ActionFailed: true);

    /// <summary>The response is served but not stored, for <paramref name="reason"/>.</summary>
    public static PageVerdict Refused(string reason) => new(reason, ActionFailed: false);
}
