using Microsoft.Extensions.Options;

namespace FragmentCache.Mvc.Internal;

/// <summary>
/// Checks <see cref="FragmentCacheMvcOptions"/> at startup; each message names the setting by its configuration path
/// (<c>{section}:Mvc:...</c>, the section passed to <c>AddFragmentCache</c>) and the value.
/// </summary>
internal sealed class FragmentCacheMvcOptionsValidator(IServiceProvider services) : IValidateOptions<FragmentCacheMvcOptions>
{
    public ValidateOptionsResult Validate(string? name, FragmentCacheMvcOptions options)
    {
        var (section, path) = FragmentCacheConfigurationSection.Child(services, FragmentCacheMvcOptionsSetup.ChildName);
        var failures = new List<string>();
        UnknownNames.Check(section, path, typeof(FragmentCacheMvcOptions), failures);
        if (options.MaxFragmentSize <= 0)
        {
            failures.Add($"{path}:MaxFragmentSize must be positive (was {options.MaxFragmentSize}).");
        }

        if (!string.IsNullOrEmpty(options.CacheStatusHeader) && !OptionsChecks.IsHeaderName(options.CacheStatusHeader))
        {
            failures.Add($"{path}:CacheStatusHeader must be a header name (letters, digits and !#$%&'*+-.^_`|~), or empty to send none (was '{options.CacheStatusHeader}').");
        }

        foreach (var (profileName, profile) in options.Profiles)
        {
            OptionsChecks.Profile(failures, $"{path}:Profiles:{profileName}", profile);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
