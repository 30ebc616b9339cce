using Microsoft.Extensions.Options;

namespace FragmentCache.Mvc.Internal;

/// <summary>
/// Checks <see cref="PageCacheOptions"/> at startup; each message names the setting by its configuration path
/// (<c>{section}:Pages:...</c>, the section passed to <c>AddFragmentCache</c>) and the value.
/// </summary>
internal sealed class PageCacheOptionsValidator(IServiceProvider services) : IValidateOptions<PageCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, PageCacheOptions options)
    {
        var (section, path) = FragmentCacheConfigurationSection.Child(services, PageCacheOptionsSetup.ChildName);
        var failures = new List<string>();
        UnknownNames.Check(section, path, typeof(PageCacheOptions), failures);
        if (options.DefaultDuration <= TimeSpan.Zero)
        {
            failures.Add($"{path}:DefaultDuration must be positive (was {options.DefaultDuration}).");
        }

        if (options.MaxDuration <= TimeSpan.Zero)
        {
            failures.Add($"{path}:MaxDuration must be positive (was {options.MaxDuration}).");
        }

        if (options.MaxBodySize <= 0)
        {
            failures.Add($"{path}:MaxBodySize must be positive (was {options.MaxBodySize}).");
        }

        if (options.KeyPrefix is null)
        {
            failures.Add($"{path}:KeyPrefix must not be null (use \"\" for none).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
