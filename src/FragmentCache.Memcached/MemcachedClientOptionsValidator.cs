using Microsoft.Extensions.Options;

namespace FragmentCache.Memcached;

/// <summary>
/// Checks <see cref="MemcachedClientOptions"/> at startup; every message names the setting and the bad value.
/// Registered by <c>AddMemcachedClient</c> with <c>ValidateOnStart</c>. An empty server list is an error once something
/// needs the client itself (<see cref="ServersRequired"/> is registered); <c>UseMemcached</c> alone allows it, and the
/// store is then the in-memory one.
/// </summary>
internal sealed class MemcachedClientOptionsValidator(IEnumerable<MemcachedClientOptionsValidator.ServersRequired> required) : IValidateOptions<MemcachedClientOptions>
{
    /// <summary>Registered by the callers that need servers: <c>AddMemcachedClient</c>, <c>AddMemcachedDistributedCache</c>.</summary>
    internal sealed class ServersRequired;

    public ValidateOptionsResult Validate(string? name, MemcachedClientOptions options)
    {
        var errors = Errors(options, requireServers: required.Any());
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem.</summary>
    public static void ThrowIfInvalid(MemcachedClientOptions options)
    {
        var errors = Errors(options, requireServers: true);
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid Memcached client options: " + string.Join(" ", errors), nameof(options));
        }
    }

    /// <summary>The problems with <paramref name="options"/>, each naming the setting and value.</summary>
    public static List<string> Errors(MemcachedClientOptions options, bool requireServers)
    {
        var errors = new List<string>();
        if (requireServers && options.Servers.Count == 0)
        {
            errors.Add("Servers: at least one server is required.");
        }

        for (int i = 0; i < options.Servers.Count; i++)
        {
            if (!MemcachedEndPoint.TryParse(options.Servers[i], out _, out var error))
            {
                errors.Add($"Servers[{i}]: {error}");
            }
        }

        Positive(errors, nameof(options.ConnectionsPerServer), options.ConnectionsPerServer);
        Positive(errors, nameof(options.MaxInFlightPerConnection), options.MaxInFlightPerConnection);
        Positive(errors, nameof(options.FailureThreshold), options.FailureThreshold);
        if (options.MaxItemSize < 1024)
        {
            errors.Add($"MaxItemSize: '{options.MaxItemSize}' is below memcached's minimum item size of 1024 bytes.");
        }

        Positive(errors, nameof(options.ConnectTimeout), options.ConnectTimeout);
        Positive(errors, nameof(options.OperationTimeout), options.OperationTimeout);
        Positive(errors, nameof(options.BreakDuration), options.BreakDuration);
        Positive(errors, nameof(options.MaxBreakDuration), options.MaxBreakDuration);
        Credential(errors, nameof(options.Username), options.Username, showValue: false);
        Credential(errors, nameof(options.Password), options.Password, showValue: false);
        if ((options.Username is null) != (options.Password is null))
        {
            errors.Add("Username/Password: set both for memcached's ASCII authentication, or neither.");
        }

        return errors;
    }

    private static void Positive(List<string> errors, string name, int value)
    {
        if (value <= 0)
        {
            errors.Add($"{name}: '{value}' must be greater than zero.");
        }
    }

    private static void Positive(List<string> errors, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{name}: '{value}' must be greater than zero.");
        }
    }

    private static void Credential(List<string> errors, string name, string? value, bool showValue = true)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length == 0 || value.Any(c => c <= ' ' || c > '~'))
        {
            errors.Add(showValue
                ? $"{name}: '{value}' must be non-empty printable ASCII without spaces (memcached splits the login on spaces)."
                : $"{name}: must be non-empty printable ASCII without spaces (memcached splits the login on spaces).");
        }
    }
}
