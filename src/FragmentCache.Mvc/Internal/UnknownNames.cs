using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;

namespace FragmentCache.Mvc.Internal;

/// <summary>
/// Names in the MVC layer's sections (<c>Mvc</c>, <c>Pages</c>) that no setting answers to. The binder ignores them, so
/// a misspelled <c>MaxFragmentSise</c> would leave the default in place: the startup fails instead.
/// </summary>
internal static class UnknownNames
{
    /// <summary>Binds <paramref name="section"/> once more, with the binder's <c>ErrorOnUnknownConfiguration</c>, and
    /// adds its message (which names the keys) when a name is unknown.</summary>
    public static void Check(IConfiguration? section, string path,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] Type type, List<string> failures)
    {
        if (section is null || !section.GetChildren().Any())
        {
            return;
        }

        try
        {
            section.Get(type, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            // Inside a profile the binder wraps the message that names the key in a general one.
            failures.Add($"{path}: {ex.GetBaseException().Message}");
        }
    }
}
