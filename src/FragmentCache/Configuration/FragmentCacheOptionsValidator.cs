using Microsoft.Extensions.Options;

namespace FragmentCache;

/// <summary>Checks <see cref="FragmentCacheOptions"/> at startup; each message names the setting and the value.</summary>
internal sealed class FragmentCacheOptionsValidator : IValidateOptions<FragmentCacheOptions>
{
    internal const int MaxKeyPrefixLength = 100;

    public ValidateOptionsResult Validate(string? name, FragmentCacheOptions options)
    {
        var failures = new List<string>();
        if (options.DefaultTimeout < TimeSpan.Zero && options.DefaultTimeout != Timeout.InfiniteTimeSpan)
        {
            failures.Add($"FragmentCache:DefaultTimeout must not be negative (use Timeout.InfiniteTimeSpan for 'never'); got '{options.DefaultTimeout}'.");
        }

        var prefix = options.KeyPrefix ?? "";
        if (prefix.Length > MaxKeyPrefixLength)
        {
            failures.Add($"FragmentCache:KeyPrefix must be at most {MaxKeyPrefixLength} characters; got '{prefix}'.");
        }

        foreach (var c in prefix)
        {
            if (c <= ' ' || c == '\x7f' || char.IsControl(c) || char.IsWhiteSpace(c))
            {
                failures.Add($"FragmentCache:KeyPrefix must not contain spaces or control characters; got '{prefix}'.");
                break;
            }
        }

        if (options.MemorySizeLimit <= 0)
        {
            failures.Add($"FragmentCache:MemorySizeLimit must be positive (bytes); got '{options.MemorySizeLimit}'.");
        }

        if (!Enum.IsDefined(options.Compatibility))
        {
            failures.Add($"FragmentCache:Compatibility must be one of {string.Join(", ", Enum.GetNames<CacheCompatibility>())}; got '{options.Compatibility}'.");
        }

        CheckPositive(failures, "Stampede:LeaseTime", options.Stampede.LeaseTime);
        CheckPositive(failures, "Stampede:PollInterval", options.Stampede.PollInterval);
        CheckNotNegative(failures, "Stampede:StaleWhileRevalidate", options.Stampede.StaleWhileRevalidate);
        CheckNotNegative(failures, "Stampede:EarlyRecacheWindow", options.Stampede.EarlyRecacheWindow);
        CheckNotNegative(failures, "Stampede:SoftInvalidationTime", options.Stampede.SoftInvalidationTime);
        CheckPositive(failures, "TwoTier:LocalExpiration", options.TwoTier.LocalExpiration);
        CheckPositive(failures, "TwoTier:PollInterval", options.TwoTier.PollInterval);
        if (options.TwoTier.MaxEntries <= 0)
        {
            failures.Add($"FragmentCache:TwoTier:MaxEntries must be positive; got '{options.TwoTier.MaxEntries}'.");
        }

        CheckPositive(failures, "Outage:CopyLifetime", options.Outage.CopyLifetime);
        if (options.Outage.MaxEntries <= 0)
        {
            failures.Add($"FragmentCache:Outage:MaxEntries must be positive; got '{options.Outage.MaxEntries}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckPositive(List<string> failures, string setting, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"FragmentCache:{setting} must be positive; got '{value}'.");
        }
    }

    private static void CheckNotNegative(List<string> failures, string setting, TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            failures.Add($"FragmentCache:{setting} must not be negative; got '{value}'.");
        }
    }
}
