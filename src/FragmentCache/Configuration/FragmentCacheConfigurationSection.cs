using Microsoft.Extensions.Configuration;

namespace FragmentCache;

/// <summary>
/// The configuration section the application passed to <c>AddFragmentCache</c>, remembered (as a singleton) so that
/// layers over the core (the MVC layer's <c>{section}:Mvc</c> and <c>{section}:Pages</c>) bind their options from the
/// same section and name that path in their messages. The last one registered wins. Not registered when
/// <c>AddFragmentCache</c> was configured in code: <see cref="Child"/> then reads <c>"FragmentCache"</c> of the
/// application's configuration.
/// </summary>
public sealed class FragmentCacheConfigurationSection
{
    internal FragmentCacheConfigurationSection(IConfiguration configuration) => Configuration = configuration;

    /// <summary>The section the application passed (never <see langword="null"/>).</summary>
    public IConfiguration Configuration { get; }

    /// <summary>The section's path (<c>"FragmentCache"</c>, <c>"Caching"</c>); empty for a configuration root.</summary>
    public string Path => Configuration is IConfigurationSection section ? section.Path : "";

    /// <summary>
    /// The child section <paramref name="name"/> of the section the application passed, or, when it passed none, of
    /// <c>"FragmentCache"</c> in the application's configuration; with its full path for messages.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="name">The child section's name (<c>"Mvc"</c>, <c>"Pages"</c>).</param>
    /// <returns>The section (<see langword="null"/> when there is no configuration at all) and its path.</returns>
    public static (IConfiguration? Section, string Path) Child(IServiceProvider services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.GetService(typeof(IEnumerable<FragmentCacheConfigurationSection>)) is IEnumerable<FragmentCacheConfigurationSection> all
            && all.LastOrDefault() is { } passed)
        {
            return (passed.Configuration.GetSection(name), passed.Path.Length == 0 ? name : passed.Path + ":" + name);
        }

        var path = FragmentCacheOptions.SectionName + ":" + name;
        return ((services.GetService(typeof(IConfiguration)) as IConfiguration)?.GetSection(path), path);
    }
}
