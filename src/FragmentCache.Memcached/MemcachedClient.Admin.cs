using FragmentCache.Memcached.Connections;

namespace FragmentCache.Memcached;

public sealed partial class MemcachedClient
{
    /// <inheritdoc />
    public async Task<bool> FlushAllAsync(CancellationToken cancellationToken = default)
    {
        var replies = await OnEveryServerAsync(() => new TextOperation("flush_all"), "flush_all", cancellationToken).ConfigureAwait(false);
        return replies.Values.All(lines => lines is ["OK"]);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, string?>> GetVersionsAsync(CancellationToken cancellationToken = default)
    {
        var replies = await OnEveryServerAsync(() => new TextOperation("version"), "version", cancellationToken).ConfigureAwait(false);
        return replies.ToDictionary(
            pair => pair.Key,
            pair => pair.Value is [var line] && line.StartsWith("VERSION ", StringComparison.Ordinal) ? line["VERSION ".Length..] : null);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>?>> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        var replies = await OnEveryServerAsync(() => new TextOperation("stats", multiLine: true), "stats", cancellationToken).ConfigureAwait(false);
        var result = new Dictionary<string, IReadOnlyDictionary<string, string>?>();
        foreach (var (server, lines) in replies)
        {
            if (lines is null || lines.Count == 0 || lines[^1] != "END")
            {
                result[server] = null;
                continue;
            }

            var stats = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var line in lines)
            {
                var parts = line.Split(' ', 3);
                if (parts is ["STAT", var name, var value])
                {
                    stats[name] = value;
                }
            }

            result[server] = stats;
        }

        return result;
    }

    private async Task<Dictionary<string, IReadOnlyList<string>?>> OnEveryServerAsync(
        Func<TextOperation> create, string operation, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Disposed, this);
        var tasks = _servers.Select(async Task<(MemcachedServer Server, IReadOnlyList<string>? Lines)> (server) =>
        {
            using var activity = MemcachedActivities.Start(operation, server.EndPoint);
            try
            {
                var lines = await server.ExecuteTextAsync(create(), cancellationToken).ConfigureAwait(false);
                if (lines is null)
                {
                    Unavailable(operation, server);
                }

                return (server, lines);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Failed(operation, server, ex);
                return (server, null);
            }
        }).ToArray();
        var results = await Task.WhenAll(tasks).ConfigureAwait(false);
        return results.ToDictionary(r => r.Server.EndPoint.ToString(), r => r.Lines);
    }
}
