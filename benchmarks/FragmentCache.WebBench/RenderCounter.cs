using System.Collections.Concurrent;

namespace FragmentCache.WebBench;

/// <summary>
/// Counts renders of the cached part (the sidebar, or the cheap page's list): per <c>run</c> query value (the
/// cold-page test), and all of them under the empty run, so the harness can show that a measured cached variant did
/// not render during its measurement.
/// </summary>
public sealed class RenderCounter
{
    private readonly ConcurrentDictionary<string, StrongBox> _counts = new(StringComparer.Ordinal);
    private int _total;

    /// <summary>Counts one render of <paramref name="run"/>.</summary>
    public void Increment(string? run)
    {
        Interlocked.Increment(ref _total);
        if (!string.IsNullOrEmpty(run))
        {
            Interlocked.Increment(ref _counts.GetOrAdd(run, static _ => new StrongBox()).Value);
        }
    }

    /// <summary>The renders counted for <paramref name="run"/>; for the empty string, all renders.</summary>
    public int Get(string run) => run.Length == 0 ? Volatile.Read(ref _total) : _counts.TryGetValue(run, out var box) ? Volatile.Read(ref box.Value) : 0;

    private sealed class StrongBox
    {
        public int Value;
    }
}
