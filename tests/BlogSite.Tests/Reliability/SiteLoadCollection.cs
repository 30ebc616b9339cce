namespace BlogSite.Tests.Reliability;

/// <summary>The load tests run alone, after the parallel ones: their latencies are of the site, not of the other tests.</summary>
[CollectionDefinition(nameof(SiteLoadCollection), DisableParallelization = true)]
public sealed class SiteLoadCollection;
