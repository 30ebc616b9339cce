using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FragmentCache.Memcached;

/// <summary>
/// Asks every server for its version. Healthy when all answer, degraded when some do, unhealthy when none does.
/// Registered with <c>AddHealthChecks().AddMemcached()</c>.
/// </summary>
public sealed class MemcachedHealthCheck : IHealthCheck
{
    private readonly IMemcachedClient _client;

    /// <summary>Creates the check for <paramref name="client"/>.</summary>
    public MemcachedHealthCheck(IMemcachedClient client) => _client = client ?? throw new ArgumentNullException(nameof(client));

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        IReadOnlyDictionary<string, string?> versions;
        try
        {
            versions = await _client.GetVersionsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (MemcachedException ex)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Memcached did not answer.", ex);
        }

        var data = new Dictionary<string, object>();
        foreach (var status in _client.GetServerStatuses())
        {
            var version = versions.GetValueOrDefault(status.Server);
            data[status.Server] = version is null
                ? $"down ({status.ConsecutiveFailures} consecutive failures{(status.LastError is null ? string.Empty : ": " + status.LastError)})"
                : $"up, version {version}, {status.OpenConnections} connections";
        }

        int up = versions.Values.Count(v => v is not null);
        if (up == versions.Count)
        {
            return HealthCheckResult.Healthy($"All {up} Memcached servers answer.", data);
        }

        return up == 0
            ? new HealthCheckResult(context.Registration.FailureStatus, "No Memcached server answers.", data: data)
            : HealthCheckResult.Degraded($"{up} of {versions.Count} Memcached servers answer; the others' keys are misses.", data: data);
    }
}
