namespace FragmentCache.Mvc;

/// <summary>
/// The address of one fragment that <c>&lt;memcache-fragment&gt;</c> or <c>&lt;MemcacheFragment&gt;</c> wrote (Django's
/// <c>make_template_fragment_key</c>): its name and the vary values the front end put in its key. Built by
/// <see cref="TemplateFragmentKeys.For"/>; pass it to <see cref="TemplateFragmentKeyExtensions.InvalidateFragmentAsync"/>,
/// or its parts to <see cref="IFragmentCache.InvalidateAsync"/>.
/// </summary>
public sealed class TemplateFragmentKey
{
    internal TemplateFragmentKey(string name, IReadOnlyList<object?> varyValues)
    {
        Name = name;
        VaryValues = varyValues;
    }

    /// <summary>The fragment's name, as in its <c>name</c> attribute.</summary>
    public string Name { get; }

    /// <summary>The vary values exactly as the front end builds them (its markers, the <c>vary-on</c> values and the view digest, if any).</summary>
    public IReadOnlyList<object?> VaryValues { get; }

    /// <summary>The core's key for this fragment (its canonical form and store key).</summary>
    /// <returns>The key.</returns>
    public FragmentKey ToFragmentKey() => FragmentKey.Create(Name, VaryValues);

    /// <summary>Returns the store key of <see cref="ToFragmentKey"/>.</summary>
    /// <returns>The store key.</returns>
    public override string ToString() => ToFragmentKey().StoreKey;
}
