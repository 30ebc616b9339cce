using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace FragmentCache.Mvc.Internal;

/// <summary>
/// Binds <see cref="FragmentCacheMvcOptions"/> from the <c>Mvc</c> child of the section passed to <c>AddFragmentCache</c>
/// (<c>"FragmentCache:Mvc"</c> when it was configured in code), looked up when the options are first read, so
/// <c>AddFragmentCacheMvc</c> may come before or after <c>AddFragmentCache</c>.
/// </summary>
internal sealed class FragmentCacheMvcOptionsSetup(IServiceProvider services) : IConfigureOptions<FragmentCacheMvcOptions>
{
    public const string ChildName = "Mvc";

    public void Configure(FragmentCacheMvcOptions options) => FragmentCacheConfigurationSection.Child(services, ChildName).Section?.Bind(options);
}
