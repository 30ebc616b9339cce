using System.Reflection;
using Microsoft.AspNetCore.Razor.TagHelpers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FragmentCache.Mvc.Internal;

/// <summary>
/// Catches attributes on <c>&lt;memcache-fragment&gt;</c> that no tag helper binds (a typo such as <c>expire-after</c>),
/// which would otherwise cache silently with the defaults: an error in Development, a warning (once) elsewhere.
/// </summary>
internal static class FragmentAttributes
{
    /// <summary>The attribute names <see cref="MemcacheFragmentTagHelper"/> binds, read from its properties.</summary>
    internal static readonly string[] Known = KnownNames();

    /// <summary>Checks the attributes left unbound on the element (<see cref="TagHelperOutput.Attributes"/> before any change).</summary>
    public static void Check(string fragment, TagHelperAttributeList unbound, IServiceProvider services)
    {
        if (unbound.Count == 0)
        {
            return;
        }

        var development = services.GetService<IHostEnvironment>()?.IsDevelopment() == true;
        foreach (var attribute in unbound)
        {
            var suggestion = Closest(attribute.Name);
            if (development)
            {
                throw new InvalidOperationException(
                    $"<memcache-fragment name=\"{fragment}\">: unknown attribute '{attribute.Name}'"
                    + (suggestion is null ? "" : $" (did you mean '{suggestion}'?)")
                    + ". The element is never emitted, so every attribute must be one of: " + string.Join(", ", Known) + ".");
            }

            services.GetService<FragmentWarnings>()?.UnknownAttribute(fragment, attribute.Name, suggestion);
        }
    }

    /// <summary>The known name nearest to <paramref name="name"/> by edit distance, if it is close enough to be a typo.</summary>
    internal static string? Closest(string name) => NameDistance.Closest(name, Known);

    private static string[] KnownNames()
    {
        var names = new List<string>();
        foreach (var property in typeof(MemcacheFragmentTagHelper).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<HtmlAttributeNameAttribute>() is { Name: { Length: > 0 } attributeName })
            {
                names.Add(attributeName);
            }
        }

        return [.. names];
    }
}
