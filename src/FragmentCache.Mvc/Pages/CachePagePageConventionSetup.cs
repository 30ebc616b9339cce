namespace FragmentCache.Mvc.Pages;

/// <summary>Adds <see cref="CachePagePageConvention"/> to Razor Pages' conventions (once, whatever <c>AddRazorPages</c>'s order).</summary>
internal sealed class CachePagePageConventionSetup : Microsoft.Extensions.Options.IConfigureOptions<Microsoft.AspNetCore.Mvc.RazorPages.RazorPagesOptions>
{
    public void Configure(Microsoft.AspNetCore.Mvc.RazorPages.RazorPagesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Conventions.Add(new CachePagePageConvention());
    }
}
