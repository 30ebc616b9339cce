using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace FragmentCache.Mvc.Internal;

/// <summary>
/// Binds <see cref="PageCacheOptions"/> from the <c>Pages</c> child of the section passed to
/// <c>AddFragmentCache</c> (<c>"FragmentCache:Pages"</c> when it was configured in code), looked up when the options are
/// first read.
/// </summary>
internal sealed class PageCacheOptionsSetup(IServiceProvider services) : IConfigureOptions<PageCacheOptions>
{
    public const string ChildName = "Pages";

    public void Configure(PageCacheOptions options) => FragmentCacheConfigurationSection.Child(services, ChildName).Section?.Bind(options);
}
