using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Mvc.Tests.Components;

/// <summary><c>&lt;MemcacheFragment Store="..."&gt;</c> over in-memory named stores.</summary>
public sealed class MemcacheFragmentStoreTests : IDisposable
{
    private readonly BunitContext _context = new();
    private int _renders;

    public MemcacheFragmentStoreTests()
    {
        _context.Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        _context.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero)));
        _context.Services.AddLogging();
        _context.Services.AddFragmentCache(o => o.Stores["local"] = new FragmentCacheOptions { KeyPrefix = "local" });
        _context.Services.AddFragmentCacheMvc(o => o.Profiles["onlocal"] = new CacheProfile { Store = "local" });
    }

    public void Dispose() => _context.Dispose();

    private RenderFragment Child => builder =>
    {
        _renders++;
        builder.AddContent(0, "render " + _renders);
    };

    private string Render(Action<ComponentParameterCollectionBuilder<MemcacheFragment>> parameters)
    {
        var component = _context.Render<MemcacheFragment>(p =>
        {
            p.Add(x => x.Name, "stored").Add(x => x.ChildContent, Child);
            parameters(p);
        });
        component.WaitForState(() => component.Markup.Length > 0, TimeSpan.FromSeconds(5));
        return component.Markup;
    }

    [Fact]
    public void Render_StoreLocal_KeepsItsOwnEntry()
    {
        Assert.Equal("render 1", Render(p => p.Add(x => x.Store, "local")));
        Assert.Equal("render 2", Render(_ => { }));

        Assert.Equal("render 1", Render(p => p.Add(x => x.Store, "LOCAL")));
        Assert.Equal("render 1", Render(p => p.Add(x => x.Profile, "onlocal")));
        Assert.Equal("render 2", Render(p => p.Add(x => x.Store, "default")));
        Assert.Equal(2, _renders);
    }

    [Fact]
    public void Render_UnknownStore_FailsNamingIt()
    {
        var error = Assert.ThrowsAny<InvalidOperationException>(() => Render(p => p.Add(x => x.Store, "nowhere")));

        Assert.Equal("<MemcacheFragment Name=\"stored\">: No FragmentCache store named 'nowhere'. Configured: default, local. Add it under FragmentCache:Stores:nowhere.", error.Message);
        Assert.Equal(0, _renders);
    }
}

/// <summary>The defaults of the MVC layer's store settings.</summary>
public sealed class StoreDefaultsTests
{
    [Fact]
    public void Store_Defaults_AreNoneSoTheMainStoreIsUsed()
    {
        Assert.Null(new CachePageAttribute().Store);
        Assert.Null(new CacheProfile().Store);
        Assert.Null(new MemcacheFragment().Store);
        Assert.Null(new MemcacheFragmentTagHelper(System.Text.Encodings.Web.HtmlEncoder.Default).Store);
    }
}
