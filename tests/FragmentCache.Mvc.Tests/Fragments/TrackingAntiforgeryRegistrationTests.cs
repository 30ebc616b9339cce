using FragmentCache.Mvc.Internal;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Tests.Fragments;

public sealed class TrackingAntiforgeryRegistrationTests
{
    private static ServiceProvider Build(Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddLogging();
        register(services);
        return services.BuildServiceProvider();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AddFragmentCacheMvc_BeforeOrAfterMvc_WrapsAntiforgeryOnce(bool mvcFirst)
    {
        using var provider = Build(services =>
        {
            if (mvcFirst)
            {
                services.AddControllersWithViews();
            }

            services.AddFragmentCacheMvc();
            services.AddFragmentCacheMvc();
            if (!mvcFirst)
            {
                services.AddControllersWithViews();
            }
        });

        var antiforgery = Assert.IsType<TrackingAntiforgery>(provider.GetRequiredService<IAntiforgery>());
        Assert.IsNotType<TrackingAntiforgery>(antiforgery.Inner);
        Assert.Same(antiforgery, provider.GetRequiredService<IAntiforgery>());
    }

    [Fact]
    public void GetAndStoreTokens_RecordsTheRequestToken()
    {
        using var provider = Build(services => services.AddFragmentCacheMvc());
        var antiforgery = provider.GetRequiredService<IAntiforgery>();
        var context = new DefaultHttpContext { RequestServices = provider };

        var before = AntiforgeryDetector.Mark(context);
        var tokens = antiforgery.GetAndStoreTokens(context);

        Assert.Equal(0, before);
        Assert.True(AntiforgeryDetector.IssuedDuring(context, before, "<p>no token</p>"));
        var after = AntiforgeryDetector.Mark(context);
        Assert.False(AntiforgeryDetector.IssuedDuring(context, after, "<p>no token</p>"));
        Assert.True(AntiforgeryDetector.IssuedDuring(context, after, "<input value=\"" + tokens.RequestToken + "\">"));
    }
}
