namespace FragmentCache.Mvc.TestApp.Services;

/// <summary>Which release of the app is running: the second one has no <c>HolePageUser</c> component (a test hides it).</summary>
public sealed class HolePageRelease
{
    /// <summary>The second release runs.</summary>
    public bool Second { get; set; }
}
