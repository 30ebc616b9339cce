using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FragmentCache;

/// <summary>
/// Checks at startup, for the main store and each named one, what depends on the store backends registered: each
/// <see cref="ICacheStoreFactory"/>'s own settings, <see cref="FragmentCacheOptions.RequireServers"/>, and servers listed
/// with no backend registered to use them (the application forgot <c>Use{Backend}()</c>), and names in the sections that no
/// setting answers to (<see cref="UnknownSettings"/>).
/// </summary>
internal sealed class StoreBackendValidator(IServiceProvider services) : IValidateOptions<FragmentCacheOptions>
{
    /// <summary>The children of the main section that the MVC layer (FragmentCache.Mvc) reads its own settings from.</summary>
    private static readonly string[] MvcSectionNames = ["Mvc", "Pages"];

    public ValidateOptionsResult Validate(string? name, FragmentCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var explicitStore = services.GetServices<ExplicitStoreRegistration>().Any();
        Check(failures, CacheStoreContext.DefaultName, options, explicitStore);
        foreach (var (storeName, store) in options.Stores)
        {
            if (store is not null && !string.IsNullOrWhiteSpace(storeName)
                && !string.Equals(storeName, CacheStoreContext.DefaultName, StringComparison.OrdinalIgnoreCase))
            {
                Check(failures, storeName, store, explicitStore: false);
            }
        }

        var main = StoreSections.Section(services, CacheStoreContext.DefaultName);
        CheckCompatibility(failures, StoreSections.MessagePrefix(CacheStoreContext.DefaultName), main);
        var backendNames = services.GetServices<ICacheStoreFactory>().SelectMany(factory => factory.SettingNames).ToList();
        if (main is not null)
        {
            UnknownSettings.Check(main, StoreSections.MessagePrefix(CacheStoreContext.DefaultName), [.. backendNames, .. MvcSectionNames], namedStore: false, failures);
        }

        foreach (var named in main?.GetSection("Stores").GetChildren() ?? [])
        {
            UnknownSettings.Check(named, StoreSections.MessagePrefix(named.Key), backendNames, namedStore: true, failures);
            var before = failures.Count;
            CheckCompatibility(failures, StoreSections.MessagePrefix(named.Key), named);
            if (failures.Count == before && !options.Stores.ContainsKey(named.Key))
            {
                CheckBinds(failures, named);
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// The configuration binder drops a named store whose enum it cannot parse, so a misspelled <c>Compatibility</c> would
    /// quietly lose the store: read the text of every store's section itself.
    /// </summary>
    private static void CheckCompatibility(List<string> failures, string prefix, IConfiguration? section)
    {
        // A number that names no member binds, and FragmentCacheOptionsValidator reports it.
        if (section?["Compatibility"] is { Length: > 0 } text && !Enum.TryParse<CacheCompatibility>(text, ignoreCase: true, out _))
        {
            failures.Add($"{prefix}Compatibility must be one of {string.Join(", ", Enum.GetNames<CacheCompatibility>())}; got '{text}'.");
        }
    }

    /// <summary>
    /// The configuration binder also drops a named store when any other value of it does not convert (a timeout that is
    /// no <see cref="TimeSpan"/>, a version that is no number), and the store would be reported missing far from its
    /// cause: bind the section on its own, where the binder names the value it could not convert.
    /// </summary>
    private static void CheckBinds(List<string> failures, IConfigurationSection section)
    {
        try
        {
            section.Get<FragmentCacheOptions>();
            failures.Add($"{StoreSections.MessagePrefix(section.Key).TrimEnd(':')} could not be read.");
        }
        catch (InvalidOperationException ex)
        {
            failures.Add(ex.Message);
        }
    }

    private void Check(List<string> failures, string storeName, FragmentCacheOptions options, bool explicitStore)
    {
        var prefix = StoreSections.MessagePrefix(storeName);
        var context = StoreSections.Context(services, storeName, options);
        var configured = explicitStore;
        var factories = services.GetServices<ICacheStoreFactory>().ToList();
        foreach (var factory in factories)
        {
            foreach (var error in factory.Validate(context))
            {
                failures.Add(prefix + error);
            }

            configured = configured || factory.IsConfigured(context);
        }

        if (factories.Count == 0 && context.Configuration?.GetSection("Servers").GetChildren().Any() == true)
        {
            failures.Add($"{prefix}Servers lists servers, but no store backend is registered to use them: call UseMemcached() on "
                + "AddFragmentCache(...) (package FragmentCache.Memcached), or remove the servers to use the in-memory store.");
        }

        if (options.RequireServers && !configured)
        {
            failures.Add($"{prefix}Servers is empty and {prefix}RequireServers is true: list at least one server (host:port) of the store's backend.");
        }
    }
}
