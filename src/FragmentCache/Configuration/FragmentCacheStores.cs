using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FragmentCache;

/// <summary>
/// The stores by name: the main one from the container, each named one built on first use (or at startup, by
/// <see cref="NamedStoresStartup"/>) as a <see cref="NamedStore"/>.
/// </summary>
internal sealed class FragmentCacheStores : IFragmentCacheStores, IDisposable
{
    /// <summary>The main store's name, as Django's <c>"default"</c> alias.</summary>
    public const string DefaultName = "default";

    private readonly IServiceProvider _services;
    private readonly Dictionary<string, Lazy<NamedStore>> _named = new(StringComparer.OrdinalIgnoreCase);
    private bool _disposed;

    public FragmentCacheStores(IServiceProvider services, IOptions<FragmentCacheOptions> options)
    {
        _services = services;
        var names = new List<string> { DefaultName };
        foreach (var (name, settings) in options.Value.Stores)
        {
            _named[name] = new Lazy<NamedStore>(() => NamedStore.Create(services, name, settings), LazyThreadSafetyMode.ExecutionAndPublication);
            names.Add(name);
        }

        Names = names;
    }

    public IReadOnlyList<string> Names { get; }

    /// <summary>The named stores (not the main one), built on first use.</summary>
    public IEnumerable<NamedStore> Named
    {
        get
        {
            foreach (var store in _named.Values)
            {
                yield return store.Value;
            }
        }
    }

    public bool Contains(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return IsDefault(name) || _named.ContainsKey(name);
    }

    public ICache GetCache(string name) => IsDefault(name) ? _services.GetRequiredService<ICache>() : Find(name).Cache;

    public IFragmentCache GetFragmentCache(string name) => IsDefault(name) ? _services.GetRequiredService<IFragmentCache>() : Find(name).Fragments;

    /// <summary>The error of an unknown store: its name, the configured ones, and where to add it.</summary>
    public static string Unknown(string name, IEnumerable<string> names)
        => $"No FragmentCache store named '{name}'. Configured: {string.Join(", ", names)}. Add it under FragmentCache:Stores:{name}.";

    /// <summary>The store name of a keyed-service key.</summary>
    public static string NameOf(object? key) => key as string
        ?? throw new InvalidOperationException($"FragmentCache stores are keyed by their name (a string); got '{key}'.");

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var store in _named.Values)
        {
            if (store.IsValueCreated)
            {
                store.Value.Dispose();
            }
        }
    }

    private static bool IsDefault(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return string.Equals(name, DefaultName, StringComparison.OrdinalIgnoreCase);
    }

    private NamedStore Find(string name)
        => _named.TryGetValue(name, out var store) ? store.Value : throw new InvalidOperationException(Unknown(name, Names));
}
