namespace FragmentCache.OpenTelemetry.Tests.Infrastructure;

/// <summary>
/// Where the tests print the traces they check: the test's output, and, when <c>FRAGMENTCACHE_TRACE_OUT</c> names a file,
/// that file too (appended; docs/telemetry.md's traces come from it).
/// </summary>
public static class TraceOutput
{
    public static void Write(string title, string tree)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(title + Environment.NewLine + tree);
        if (Environment.GetEnvironmentVariable("FRAGMENTCACHE_TRACE_OUT") is { Length: > 0 } path)
        {
            File.AppendAllText(path, "# " + title + Environment.NewLine + tree + Environment.NewLine);
        }
    }
}
