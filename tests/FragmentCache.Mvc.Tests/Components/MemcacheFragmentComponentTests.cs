using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Mvc.Tests.Components;

public sealed class MemcacheFragmentComponentTests : IDisposable
{
    private readonly BunitContext _context = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));
    private int _renders;

    public MemcacheFragmentComponentTests()
    {
        _context.Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        _context.Services.AddSingleton<TimeProvider>(_time);
        _context.Services.AddLogging();
        _context.Services.AddFragmentCache(_ => { });
        _context.Services.AddFragmentCacheMvc();
    }

    public void Dispose() => _context.Dispose();

    private RenderFragment Child(bool fail = false) => builder =>
    {
        _renders++;
        if (fail)
        {
            throw new InvalidOperationException("child failed on purpose");
        }

        builder.AddMarkupContent(0, "<b>bold</b>");
        builder.AddContent(1, "<i>&" + _renders);
    };

    private IRenderedComponent<MemcacheFragment> Render(Action<ComponentParameterCollectionBuilder<MemcacheFragment>>? extra = null, bool fail = false)
    {
        var component = _context.Render<MemcacheFragment>(p =>
        {
            p.Add(x => x.Name, "component").Add(x => x.ChildContent, Child(fail));
            extra?.Invoke(p);
        });
        component.WaitForState(() => component.Markup.Length > 0, TimeSpan.FromSeconds(5));
        return component;
    }

    [Fact]
    public void Render_Miss_RendersChildMarkupEncodedOnce()
    {
        var component = Render();
        Assert.Equal("<b>bold</b>&lt;i&gt;&amp;1", component.Markup);
        Assert.Equal(1, _renders);
    }

    [Fact]
    public void Render_Hit_SameMarkupWithoutRunningChild()
    {
        var first = Render();
        var second = Render();
        Assert.Equal(first.Markup, second.Markup);
        Assert.Equal(1, _renders);
    }

    [Fact]
    public void Render_VaryOnChanges_RendersAgain()
    {
        Render(p => p.Add(x => x.VaryOn, new object?[] { 1 }));
        Render(p => p.Add(x => x.VaryOn, new object?[] { 1 }));
        var other = Render(p => p.Add(x => x.VaryOn, new object?[] { 2 }));
        Render(p => p.Add(x => x.VaryBy, "b"));
        Assert.Equal(3, _renders);
        Assert.EndsWith("2", other.Markup);
    }

    [Fact]
    public void Render_ExpiresAfterPasses_RendersAgain()
    {
        Render(p => p.Add(x => x.ExpiresAfter, TimeSpan.FromSeconds(10)));
        _time.Advance(TimeSpan.FromSeconds(11));
        Render(p => p.Add(x => x.ExpiresAfter, TimeSpan.FromSeconds(10)));
        Assert.Equal(2, _renders);
    }

    [Fact]
    public void Render_Disabled_RendersChildEveryTime()
    {
        Render(p => p.Add(x => x.Enabled, false));
        Render(p => p.Add(x => x.Enabled, false));
        Assert.Equal(2, _renders);
    }

    [Fact]
    public void Render_ChildThrows_CachesNothingAndNextRenderRuns()
    {
        Assert.ThrowsAny<Exception>(() => _context.Render<MemcacheFragment>(p => p.Add(x => x.Name, "component").Add(x => x.ChildContent, Child(fail: true))));
        var ok = Render();
        var hit = Render();
        Assert.Equal(2, _renders);
        Assert.Equal(ok.Markup, hit.Markup);
    }
}
