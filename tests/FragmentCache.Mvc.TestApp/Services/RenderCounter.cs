using System.Collections.Concurrent;

namespace FragmentCache.Mvc.TestApp.Services;

/// <summary>Counts renders per name, so tests can tell a hit (no render) from a miss.</summary>
public sealed class RenderCounter
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>When set, renders that call <see cref="ThrowIfFailing"/> throw.</summary>
    public bool Fail { get; set; }

    /// <summary>Counts one render of <paramref name="name"/> and returns the new count.</summary>
    public int Next(string name) => _counts.AddOrUpdate(name, 1, (_, n) => n + 1);

    /// <summary>The renders of <paramref name="name"/> so far.</summary>
    public int Count(string name) => _counts.TryGetValue(name, out var n) ? n : 0;

    /// <summary>Throws when <see cref="Fail"/> is set.</summary>
    public string ThrowIfFailing() => Fail ? throw new InvalidOperationException("render failed on purpose") : "";
}
