using Microsoft.Extensions.Configuration;

namespace FragmentCache;

/// <summary>What an <see cref="ICacheStoreFactory"/> is told about the store it checks or builds.</summary>
public sealed class CacheStoreContext
{
    /// <summary>Creates a context.</summary>
    /// <param name="name">The store's name: <c>"default"</c> for the main store.</param>
    /// <param name="options">The store's core settings.</param>
    /// <param name="configuration">The store's configuration section, or <see langword="null"/> when there is none.</param>
    /// <param name="services">The application's services.</param>
    public CacheStoreContext(string name, FragmentCacheOptions options, IConfiguration? configuration, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        Name = name;
        Options = options;
        Configuration = configuration;
        Services = services;
    }

    /// <summary>The main store's name, as Django's <c>"default"</c> alias.</summary>
    public const string DefaultName = "default";

    /// <summary>The store's name: <see cref="DefaultName"/> for the main store, else its key under <c>FragmentCache:Stores</c>.</summary>
    public string Name { get; }

    /// <summary>Whether this is the main store (the one <c>ICache</c> and <c>IFragmentCache</c> use).</summary>
    public bool IsDefault => string.Equals(Name, DefaultName, StringComparison.OrdinalIgnoreCase);

    /// <summary>The store's core settings (key prefix, version, timeouts, ...).</summary>
    public FragmentCacheOptions Options { get; }

    /// <summary>
    /// The store's configuration section, where a backend reads its own keys: the section passed to
    /// <c>AddFragmentCache</c> (or the application's <c>FragmentCache</c> section when it was configured in code) for
    /// the main store, its <c>Stores:{name}</c> child for a named store. <see langword="null"/> when the application has
    /// no configuration.
    /// </summary>
    public IConfiguration? Configuration { get; }

    /// <summary>The application's services (a shared client, loggers, metrics, the clock).</summary>
    public IServiceProvider Services { get; }
}
