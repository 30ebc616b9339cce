using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace FragmentCache;

/// <summary>
/// Finds the names in a store's section that no setting answers to. The configuration binder ignores them, so a
/// misspelled <c>DefaultTimout</c> would silently leave the default in place: the startup fails instead, naming the key
/// and the setting it most likely meant.
/// </summary>
internal static class UnknownSettings
{
    /// <summary>
    /// Adds a message for each child of <paramref name="section"/> that is neither a setting of
    /// <see cref="FragmentCacheOptions"/> nor one of <paramref name="otherNames"/>, and does the same inside the sections
    /// of its nested settings (<c>Stampede</c>, <c>TwoTier</c>, <c>Outage</c>).
    /// </summary>
    /// <param name="section">A store's section: the main one or a <c>Stores:{name}</c> child.</param>
    /// <param name="path">The section's path for messages, ending with a colon (<c>FragmentCache:</c>).</param>
    /// <param name="otherNames">Names read by someone else: the backends' settings, the MVC layer's <c>Mvc</c> and <c>Pages</c>.</param>
    /// <param name="namedStore">Whether the section is a named store's, which has no <c>Stores</c> of its own.</param>
    /// <param name="failures">Where the messages go.</param>
    public static void Check(IConfiguration section, string path, IReadOnlyCollection<string> otherNames, bool namedStore, List<string> failures)
    {
        var known = SettingNames(typeof(FragmentCacheOptions));
        if (namedStore)
        {
            // A named store has no stores of its own.
            known.Remove(nameof(FragmentCacheOptions.Stores));
        }

        foreach (var child in section.GetChildren())
        {
            if (otherNames.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!known.Contains(child.Key))
            {
                failures.Add(Message(path + child.Key, child.Key, known.Concat(otherNames)));
                continue;
            }

            if (string.Equals(child.Key, nameof(FragmentCacheOptions.Stampede), StringComparison.OrdinalIgnoreCase))
            {
                CheckNested(child, path, typeof(FragmentCacheStampedeOptions), failures);
            }
            else if (string.Equals(child.Key, nameof(FragmentCacheOptions.TwoTier), StringComparison.OrdinalIgnoreCase))
            {
                CheckNested(child, path, typeof(FragmentCacheTwoTierOptions), failures);
            }
            else if (string.Equals(child.Key, nameof(FragmentCacheOptions.Outage), StringComparison.OrdinalIgnoreCase))
            {
                CheckNested(child, path, typeof(FragmentCacheOutageOptions), failures);
            }
        }
    }

    /// <summary>The message for a name no setting answers to, with the closest known name when one is near.</summary>
    private static string Message(string fullKey, string name, IEnumerable<string> known)
    {
        var names = known.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        var closest = NameDistance.Closest(name, names);
        var hint = closest is null ? "" : $" Did you mean '{closest}'?";
        return $"{fullKey} is not a setting; nothing reads it.{hint} The settings here are: {string.Join(", ", names)}.";
    }

    private static void CheckNested(IConfigurationSection section, string path,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type type, List<string> failures)
    {
        var known = SettingNames(type);
        foreach (var child in section.GetChildren())
        {
            if (!known.Contains(child.Key))
            {
                failures.Add(Message($"{path}{section.Key}:{child.Key}", child.Key, known));
            }
        }
    }

    /// <summary>The public properties the binder can set, or fill when they are get-only objects (<c>Stores</c>).</summary>
    private static HashSet<string> SettingNames([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.GetIndexParameters().Length == 0 && property.GetMethod is { IsPublic: true }
                && (property.SetMethod is { IsPublic: true } || !property.PropertyType.IsValueType)
                && !typeof(Delegate).IsAssignableFrom(property.PropertyType))
            .Select(property => property.Name)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
}
