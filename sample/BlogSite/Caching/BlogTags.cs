using System.Globalization;

namespace BlogSite.Caching;

/// <summary>The cache tags of the blog: what each fragment and page carries and what an edit raises.</summary>
public static class BlogTags
{
    /// <summary>Every list of posts (home page, popular sidebar).</summary>
    public const string Posts = "posts";

    /// <summary>The tag cloud (which tags exist and how often).</summary>
    public const string TagCloud = "tag-cloud";

    /// <summary>The archive sidebar (months and their post counts).</summary>
    public const string ArchiveIndex = "archive-index";

    /// <summary>One post's page.</summary>
    public static string Post(int id) => "post:" + id.ToString(CultureInfo.InvariantCulture);

    /// <summary>The posts of one tag.</summary>
    public static string Tag(string name) => "tag:" + name;

    /// <summary>The posts of one month.</summary>
    public static string Archive(DateTime month) => "archive:" + month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>One author's drafts (the welcome box).</summary>
    public static string Drafts(int authorId) => "drafts:" + authorId.ToString(CultureInfo.InvariantCulture);
}
