namespace FragmentCache;

/// <summary>Values of the <c>layer</c> metric tag.</summary>
internal static class MetricLayers
{
    public const string LowLevel = "low-level";
    public const string Fragment = "fragment";
    public const string Local = "local";
}
