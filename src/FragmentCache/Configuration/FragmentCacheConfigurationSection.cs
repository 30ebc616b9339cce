using Microsoft.Extensions.Configuration;

namespace FragmentCache;

/// <summary>
/// The configuration section the application passed to <c>AddFragmentCache</c>, remembered so the MVC layer binds its
/// options from <c>{section}:Mvc</c> and <c>{section}:Pages</c> and names that path in its messages. The last one
/// registered wins. Not registered when <c>AddFragmentCache</c> was configured in code.
/// </summary>
internal sealed class FragmentCacheConfigurationSection(IConfiguration configuration)
{
    public IConfiguration Configuration { get; } = configuration;

    /// <summary>The section's path (<c>"FragmentCache"</c>, <c>"Caching"</c>); empty for a configuration root.</summary>
    public string Path => Configuration is IConfigurationSection section ? section.Path : "";

    /// <summary>
    /// The child section <paramref name="name"/> of the section the application passed, or, when it passed none, of
    /// <c>"FragmentCache"</c> in the application's configuration; with its full path for messages.
    /// </summary>
    public static (IConfiguration? Section, string Path) Child(IServiceProvider services, string name)
    {
        if (services.GetService(typeof(IEnumerable<FragmentCacheConfigurationSection>)) is IEnumerable<FragmentCacheConfigurationSection> all
            && all.LastOrDefault() is { } passed)
        {
            return (passed.Configuration.GetSection(name), passed.Path.Length == 0 ? name : passed.Path + ":" + name);
        }

        var path = FragmentCacheOptions.SectionName + ":" + name;
        return ((services.GetService(typeof(IConfiguration)) as IConfiguration)?.GetSection(path), path);
    }
}
