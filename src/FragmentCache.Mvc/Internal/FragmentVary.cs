namespace FragmentCache.Mvc.Internal;

/// <summary>The vary-by settings shared by the fragment tag helper and the fragment component.</summary>
internal readonly record struct FragmentVary(
    IReadOnlyList<object?>? On,
    string? By,
    string? Headers,
    string? Query,
    string? Route,
    string? Cookies,
    bool User,
    bool Culture);
