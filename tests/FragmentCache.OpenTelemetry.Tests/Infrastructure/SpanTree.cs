using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace FragmentCache.OpenTelemetry.Tests.Infrastructure;

/// <summary>Reads the exported spans as a tree: children of a span, the trace of a root, and an indented printout.</summary>
public static class SpanTree
{
    /// <summary>The spans whose parent is <paramref name="parent"/>, in the order they started.</summary>
    public static Activity[] ChildrenOf(IEnumerable<Activity> spans, Activity parent) =>
        [.. spans.Where(s => s.TraceId == parent.TraceId && s.ParentSpanId == parent.SpanId).OrderBy(s => s.StartTimeUtc)];

    /// <summary>Every span below <paramref name="root"/>, at any depth.</summary>
    public static Activity[] DescendantsOf(IReadOnlyCollection<Activity> spans, Activity root)
    {
        var found = new List<Activity>();
        var next = new Queue<Activity>([root]);
        while (next.TryDequeue(out var span))
        {
            foreach (var child in ChildrenOf(spans, span))
            {
                found.Add(child);
                next.Enqueue(child);
            }
        }

        return [.. found];
    }

    /// <summary>
    /// <paramref name="root"/> and its descendants, one line each, indented by depth: name, duration, kind, status and
    /// attributes.
    /// </summary>
    public static string Print(IReadOnlyCollection<Activity> spans, Activity root)
    {
        var text = new StringBuilder();
        Append(text, spans, root, 0);
        return text.ToString();
    }

    private static void Append(StringBuilder text, IReadOnlyCollection<Activity> spans, Activity span, int depth)
    {
        text.Append(' ', depth * 2)
            .Append(span.DisplayName)
            .Append(CultureInfo.InvariantCulture, $"  {span.Duration.TotalMilliseconds:0.000} ms  {span.Kind}");
        if (span.Status != ActivityStatusCode.Unset)
        {
            text.Append(CultureInfo.InvariantCulture, $" {span.Status}");
        }

        text.Append("  {")
            .AppendJoin(", ", span.TagObjects.Select(t => $"{t.Key}={Convert.ToString(t.Value, CultureInfo.InvariantCulture)}"))
            .Append('}')
            .AppendLine();
        foreach (var child in ChildrenOf(spans, span))
        {
            Append(text, spans, child, depth + 1);
        }
    }
}
