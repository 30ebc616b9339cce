using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FragmentCache;

/// <summary>
/// Checks <see cref="FragmentCacheOptions.Stores"/> at startup: the names, and each store's settings by the same
/// validators as the main store's, with every message under <c>FragmentCache:Stores:{name}</c>. The backend settings
/// of each store are checked by <see cref="StoreBackendValidator"/>.
/// </summary>
internal sealed class NamedStoresValidator(IServiceProvider services) : IValidateOptions<FragmentCacheOptions>
{
    private const string Section = "FragmentCache:";

    public ValidateOptionsResult Validate(string? name, FragmentCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Stores.Count == 0)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        foreach (var (storeName, store) in options.Stores)
        {
            var section = "FragmentCache:Stores:" + storeName;
            if (string.IsNullOrWhiteSpace(storeName))
            {
                failures.Add($"FragmentCache:Stores: a store needs a name; got '{storeName}'.");
            }

            if (string.Equals(storeName, FragmentCacheStores.DefaultName, StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"{section}: '{FragmentCacheStores.DefaultName}' is the main store (the FragmentCache section itself); give this store another name.");
            }

            if (store is null)
            {
                failures.Add($"{section}: the store has no settings.");
                continue;
            }

            if (store.Stores.Count > 0)
            {
                failures.Add($"{section}:Stores: a named store has no stores of its own; got '{string.Join(", ", store.Stores.Keys)}'.");
            }

            foreach (var validator in services.GetServices<IValidateOptions<FragmentCacheOptions>>())
            {
                if (validator is NamedStoresValidator or StoreBackendValidator)
                {
                    continue;
                }

                var result = validator.Validate(name, store);
                if (result.Failed)
                {
                    foreach (var failure in result.Failures)
                    {
                        failures.Add(failure.StartsWith(Section, StringComparison.Ordinal)
                            ? section + ":" + failure[Section.Length..]
                            : section + ": " + failure);
                    }
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
