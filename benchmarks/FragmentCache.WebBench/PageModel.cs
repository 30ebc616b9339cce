namespace FragmentCache.WebBench;

/// <summary>What Views/Bench/Page.cshtml needs: which variant wraps the sidebar, and the cold-test run id.</summary>
public sealed record PageModel(string Variant, string? Run);
