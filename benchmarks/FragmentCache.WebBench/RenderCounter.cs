using System.Collections.Concurrent;

namespace FragmentCache.WebBench;

/// <summary>Counts sidebar renders and page actions per <c>run</c> query value, for the cold-page test.</summary>
public sealed class RenderCounter
{
    private readonly ConcurrentDictionary<string, StrongBox> _counts = new(StringComparer.Ordinal);

    /// <summary>Counts one render of <paramref name="run"/>.</summary>
    public void Increment(string? run)
    {
        if (!string.IsNullOrEmpty(run))
        {
            Interlocked.Increment(ref _counts.GetOrAdd(run, static _ => new StrongBox()).Value);
        }
    }

    /// <summary>The renders counted for <paramref name="run"/>.</summary>
    public int Get(string run) => _counts.TryGetValue(run, out var box) ? Volatile.Read(ref box.Value) : 0;

    private sealed class StrongBox
    {
        public int Value;
    }
}
