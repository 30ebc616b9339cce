namespace BlogSite.Services;

/// <summary>Settings of the sample, bound from the <c>"BlogSite"</c> configuration section.</summary>
public sealed class BlogSiteOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "BlogSite";

    /// <summary>
    /// Extra time each sidebar widget takes to render, on top of its real queries, so a person can feel what the
    /// cache saves. The default is 150 ms; the tests use 0.
    /// </summary>
    public TimeSpan WidgetDelay { get; set; } = TimeSpan.FromMilliseconds(150);

    /// <summary>
    /// The SQLite database file, relative to the content root unless rooted. The default is <c>blog.db</c>
    /// (gitignored); two instances started from the same folder share it.
    /// </summary>
    public string Database { get; set; } = "blog.db";
}
