using System.Collections.Concurrent;

namespace BlogSite.Services;

/// <summary>How many times each widget really rendered (ran its queries) in this process.</summary>
public sealed class WidgetRenders
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>Counts one render of <paramref name="widget"/>.</summary>
    public void Add(string widget) => _counts.AddOrUpdate(widget, 1, (_, n) => n + 1);

    /// <summary>Renders of every widget so far.</summary>
    public int Total => _counts.Values.Sum();

    /// <summary>Renders of <paramref name="widget"/> so far.</summary>
    public int this[string widget] => _counts.TryGetValue(widget, out var n) ? n : 0;
}
