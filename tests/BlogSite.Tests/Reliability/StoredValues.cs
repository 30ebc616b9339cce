using System.Text;
using FragmentCache.Tests.Infrastructure;

namespace BlogSite.Tests.Reliability;

/// <summary>Everything a memcached holds, read back with <c>lru_crawler metadump all</c> and one <c>mg</c> per key.</summary>
public static class StoredValues
{
    private const int MaxKeys = 5000;

    /// <summary>Each stored key with its value as Latin-1 text (so any ASCII secret in it is found as-is).</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ReadAllAsync(MemcachedProcess server, CancellationToken cancellationToken)
    {
        var dump = await server.RawAsync("lru_crawler metadump all\r\n", "END\r\n", cancellationToken);
        // metadump ends its lines with a bare "\n" (and "END\r\n").
        var keys = dump.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith("key=", StringComparison.Ordinal))
            .Select(line => Uri.UnescapeDataString(line[4..line.IndexOf(' ', StringComparison.Ordinal)]))
            .Take(MaxKeys)
            .ToList();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            // "VA <size> ...\r\n<data>\r\n", or "EN\r\n" if it expired meanwhile; "mn" marks the end either way.
            var reply = await server.RawAsync("mg " + key + " v\r\nmn\r\n", "MN\r\n", cancellationToken);
            if (reply.StartsWith("VA ", StringComparison.Ordinal))
            {
                var start = reply.IndexOf("\r\n", StringComparison.Ordinal) + 2;
                values[key] = reply[start..^"\r\nMN\r\n".Length];
            }
        }

        return values;
    }

    /// <summary>The keys whose value contains <paramref name="text"/> (compared as ASCII / Latin-1).</summary>
    public static IEnumerable<string> KeysContaining(this IReadOnlyDictionary<string, string> values, string text)
    {
        var latin1 = Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(text));
        return values.Where(v => v.Value.Contains(latin1, StringComparison.Ordinal)).Select(v => v.Key);
    }
}
