namespace FragmentCache.WebBench;

/// <summary>One row of the 200-row sidebar.</summary>
public sealed record SidebarRow(int Id, string Title, string Author, DateTime Published, decimal Score, int Comments, string Slug)
{
    /// <summary>The sidebar's rows: fixed data, so only rendering costs (the same rows as benchmarks/django_ref).</summary>
    public static IReadOnlyList<SidebarRow> All { get; } = Enumerable.Range(1, 200)
        .Select(i => new SidebarRow(
            i,
            $"Popular post number {i} about caching & <fragments>",
            $"author{i % 17}",
            new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(i * 7),
            (i * 37 % 1000) / 10m,
            i * 13 % 250,
            $"post-{i}"))
        .ToArray();
}
