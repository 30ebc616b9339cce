using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FragmentCache.Memcached;

/// <summary>
/// Registered by <c>UseMemcached</c>: serves a store from Memcached when its settings list servers. The main store
/// uses the process's one <see cref="MemcachedClient"/> (whose options <c>UseMemcached</c> binds from the main section's
/// <c>Servers</c> and <c>Memcached</c>); a named store with servers of its own gets a client of its own.
/// </summary>
internal sealed class MemcachedCacheStoreFactory : ICacheStoreFactory
{
    /// <summary>What this backend reads in a store's section; the core reports any other name it does not know.</summary>
    public IReadOnlyCollection<string> SettingNames { get; } = ["Servers", "Memcached"];

    public bool IsConfigured(CacheStoreContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.IsDefault)
        {
            return context.Configuration?.GetSection("Servers").GetChildren().Any() == true;
        }

        try
        {
            return context.Services.GetRequiredService<IOptions<MemcachedClientOptions>>().Value.Servers.Count > 0;
        }
        catch (OptionsValidationException)
        {
            // Servers that do not parse: the client's validation reports them at startup.
            return true;
        }
    }

    public IEnumerable<string> Validate(CacheStoreContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Configuration is not { } section)
        {
            return [];
        }

        var errors = new List<string>();
        foreach (var server in section.GetSection("Servers").GetChildren())
        {
            if (!MemcachedEndPoint.TryParse(server.Value, out _, out var error))
            {
                errors.Add($"Servers:{server.Key}: {error}");
            }
        }

        MemcachedClientOptions client;
        try
        {
            // The binder names a key that is no client setting (a misspelled "ConectTimeout" would otherwise be ignored).
            client = section.GetSection("Memcached").Get<MemcachedClientOptions>(binder => binder.ErrorOnUnknownConfiguration = true)
                ?? new MemcachedClientOptions();
        }
        catch (InvalidOperationException ex)
        {
            errors.Add("Memcached: " + ex.Message);
            return errors;
        }

        foreach (var error in MemcachedClientOptionsValidator.Errors(client, requireServers: false))
        {
            errors.Add("Memcached:" + error);
        }

        return errors;
    }

    public ICacheStore Create(CacheStoreContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var services = context.Services;
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger<MemcachedCacheStore>();
        if (context.IsDefault)
        {
            var shared = services.GetRequiredService<MemcachedClient>();
            var servers = services.GetRequiredService<IOptions<MemcachedClientOptions>>().Value.Servers;
            if (logger is not null)
            {
                Log.StoreSelected(logger, servers.Count, string.Join(", ", servers));
            }

            return new MemcachedCacheStore(shared) { DjangoCompatible = context.Options.Compatibility == CacheCompatibility.Django };
        }

        var options = new MemcachedClientOptions();
        BindStoreSection(context.Configuration!, options);
        if (logger is not null)
        {
            Log.StoreSelected(logger, options.Servers.Count, string.Join(", ", options.Servers));
        }

        return new MemcachedCacheStore(options, services.GetService<ILoggerFactory>(),
            services.GetService<System.Diagnostics.Metrics.IMeterFactory>(), services.GetService<TimeProvider>())
        {
            DjangoCompatible = context.Options.Compatibility == CacheCompatibility.Django,
        };
    }

    /// <summary>
    /// Binds a store's section (<c>FragmentCache</c>, or <c>FragmentCache:Stores:{name}</c>) into client options: the
    /// <c>Memcached</c> child's settings, and the servers from <c>Servers</c> (a <c>Servers</c> list inside
    /// <c>Memcached</c> is ignored, as it always was).
    /// </summary>
    public static void BindStoreSection(IConfiguration section, MemcachedClientOptions options)
    {
        var before = options.Servers.ToList();
        section.GetSection("Memcached").Bind(options);
        options.Servers.Clear();
        foreach (var server in before)
        {
            options.Servers.Add(server);
        }

        foreach (var server in section.GetSection("Servers").GetChildren())
        {
            if (server.Value is { } value)
            {
                options.Servers.Add(value);
            }
        }
    }
}
