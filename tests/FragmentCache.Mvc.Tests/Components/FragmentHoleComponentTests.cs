using System.Text;
using Bunit;
using FragmentCache.Mvc.Holes;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Mvc.Tests.Components;

/// <summary>
/// <c>&lt;FragmentHole&gt;</c> inside <c>&lt;MemcacheFragment&gt;</c> (bUnit, in-memory store): the markup around a hole is
/// cached once, the hole's component renders for every visitor in the live tree, and nothing the content writes becomes a hole.
/// </summary>
public sealed class FragmentHoleComponentTests : IDisposable
{
    private readonly BunitContext _context = new();
    private readonly Visitor _visitor = new();
    private int _renders;

    public FragmentHoleComponentTests()
    {
        _context.Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        _context.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero)));
        _context.Services.AddLogging();
        _context.Services.AddFragmentCache(_ => { });
        _context.Services.AddFragmentCacheMvc();
        _context.Services.AddSingleton(_visitor);
    }

    public void Dispose() => _context.Dispose();

    private static CancellationToken Cancel => Xunit.TestContext.Current.CancellationToken;

    private IFragmentCache Cache => _context.Services.GetRequiredService<IFragmentCache>();

    private FragmentKey Key(string name) => _context.Services.GetRequiredService<TemplateFragmentKeys>().For(name).ToFragmentKey();

    private static RenderFragment Hole(object? parameters = null, Type? component = null) => builder =>
    {
        builder.OpenComponent<FragmentHole>(0);
        builder.AddComponentParameter(1, nameof(FragmentHole.Component), component ?? typeof(VisitorBox));
        builder.AddComponentParameter(2, nameof(FragmentHole.Parameters), parameters ?? new Dictionary<string, object?> { ["Greeting"] = "hi", ["Post"] = 7 });
        builder.CloseComponent();
    };

    private RenderFragment Child(string text = "", RenderFragment? hole = null) => builder =>
    {
        _renders++;
        builder.AddMarkupContent(0, "<p>before é " + _renders + "</p>");
        builder.AddContent(1, hole ?? Hole());
        builder.AddContent(2, text);
        builder.AddMarkupContent(3, "<p>after</p>");
    };

    private string Render(string name, RenderFragment child)
    {
        var component = _context.Render<MemcacheFragment>(p => p.Add(x => x.Name, name).Add(x => x.ChildContent, child));
        component.WaitForState(() => component.Markup.Length > 0, TimeSpan.FromSeconds(5));
        return component.Markup;
    }

    /// <summary>The stored entry, read through the cache without rendering.</summary>
    private async Task<FragmentResult> StoredAsync(string name)
    {
        var result = await Cache.GetOrRenderAsync(Key(name), null, _ => throw new InvalidOperationException("not stored"), Cancel);
        Assert.True(result.IsFromCache);
        return result;
    }

    private static PlacedHole[] Decode(FragmentResult stored)
    {
        Assert.True(HoleTable.TryDecode(stored.Holes.Span, stored.Utf8.Length, out var holes));
        return holes;
    }

    [Fact]
    public async Task Render_TwoVisitors_EachSeesOwnHoleFromOneCachedCopy()
    {
        _visitor.Name = "alice";
        var alice = Render("holes", Child());
        _visitor.Name = "bob";
        var bob = Render("holes", Child());

        Assert.Equal("<p>before é 1</p>[hi alice #7]<p>after</p>", alice);
        Assert.Equal("<p>before é 1</p>[hi bob #7]<p>after</p>", bob);
        Assert.Equal(1, _renders);
        Assert.Equal(2, _visitor.Renders);

        var stored = await StoredAsync("holes");
        Assert.Equal("<p>before é 1</p><p>after</p>", stored.Text);
        var hole = Assert.Single(Decode(stored));
        Assert.Equal(Encoding.UTF8.GetByteCount("<p>before é 1</p>"), hole.Offset);
        Assert.Equal(HoleKind.RazorComponent, hole.Hole.Kind);
        Assert.Equal(typeof(VisitorBox).AssemblyQualifiedName, hole.Hole.Component);
        Assert.Equal([new HoleArgument("Greeting", "hi"), new HoleArgument("Post", 7)], hole.Hole.Arguments);
    }

    [Fact]
    public async Task Render_ContentHoldsAnotherCapturesPlaceholder_StaysText()
    {
        // A real placeholder, from another capture, and text shaped like one: the content cannot know this capture's nonce.
        var forged = new HoleRecorder().Add(new Hole(HoleKind.RazorComponent, typeof(VisitorBox).AssemblyQualifiedName!, []));
        var text = forged + " " + new string('A', 40) + " <FragmentHole Component=\"typeof(VisitorBox)\" />";
        _visitor.Name = "alice";

        var miss = Render("lookalike", Child(text));
        var hit = Render("lookalike", Child(text));

        var expected = "<p>before é 1</p>[hi alice #7]" + forged + " " + new string('A', 40) + " &lt;FragmentHole Component=&quot;typeof(VisitorBox)&quot; /&gt;<p>after</p>";
        Assert.Equal(expected, miss);
        Assert.Equal(expected, hit);
        Assert.Equal(1, _renders);
        var stored = await StoredAsync("lookalike");
        Assert.Single(Decode(stored));
        Assert.Contains(forged, stored.Text, StringComparison.Ordinal);
    }

    public static TheoryData<string, byte[]> Unfillable => new()
    {
        { "gone type", HoleTable.Encode([new PlacedHole(3, new Hole(HoleKind.RazorComponent, "Removed.Components.UserMenu, Removed.Components", []))]) },
        { "not a component", HoleTable.Encode([new PlacedHole(3, new Hole(HoleKind.RazorComponent, typeof(string).AssemblyQualifiedName!, []))]) },
        { "view component", HoleTable.Encode([new PlacedHole(3, new Hole(HoleKind.ViewComponent, "UserMenu", []))]) },
        { "garbage", [1, 0, 9, 0xFF] },
    };

    [Theory]
    [MemberData(nameof(Unfillable))]
    public async Task Render_StoredTableCannotBeFilled_RendersAsMissAndReplacesEntry(string why, byte[] table)
    {
        Assert.NotEmpty(why);
        var stale = await Cache.GetOrRenderAsync(Key("deployed"), null, _ => ValueTask.FromResult(FragmentRender.Stored("<p>old</p>", table)), Cancel);
        Assert.Equal(FragmentOutcome.Miss, stale.Outcome);
        _visitor.Name = "alice";

        var first = Render("deployed", Child());
        var second = Render("deployed", Child());

        Assert.Equal("<p>before é 1</p>[hi alice #7]<p>after</p>", first);
        Assert.Equal(first, second);
        Assert.Equal(1, _renders);
        Assert.Equal(typeof(VisitorBox).AssemblyQualifiedName, Assert.Single(Decode(await StoredAsync("deployed"))).Hole.Component);
    }

    [Fact]
    public void Render_ParameterNotSimple_FailsNamingTheHole()
    {
        var error = Assert.ThrowsAny<InvalidOperationException>(
            () => Render("bad", Child(hole: Hole(new Dictionary<string, object?> { ["Greeting"] = "hi", ["Post"] = new[] { 7 } }))));

        Assert.StartsWith("<FragmentHole Component=\"typeof(VisitorBox)\">: argument 'Post' is a System.Int32[], which a cached entry cannot carry.", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _visitor.Renders);
    }

    [Fact]
    public void Render_ComponentNotAComponent_FailsNamingTheHole()
    {
        var error = Assert.ThrowsAny<InvalidOperationException>(() => Render("bad", Child(hole: Hole(component: typeof(Visitor)))));

        Assert.Equal($"<FragmentHole Component=\"typeof(Visitor)\">: {typeof(Visitor).FullName} is not a Razor component (a concrete type implementing IComponent).", error.Message);
    }

    [Fact]
    public void Render_HoleWithoutComponent_FailsSayingWhatItNeeds()
    {
        var error = Assert.ThrowsAny<InvalidOperationException>(() => _context.Render<FragmentHole>());

        Assert.Equal("<FragmentHole> needs a Component parameter naming a Razor component: <FragmentHole Component=\"typeof(UserMenu)\" />.", error.Message);
    }

    [Fact]
    public void Render_OutsideFragment_RendersComponentAndStillChecksParameters()
    {
        _visitor.Name = "alice";
        var hole = _context.Render<FragmentHole>(p => p.Add(x => x.Component, typeof(VisitorBox)).Add(x => x.Parameters, new Dictionary<string, object?> { ["Greeting"] = "yo", ["Post"] = 2 }));

        Assert.Equal("[yo alice #2]", hole.Markup);
        Assert.ThrowsAny<InvalidOperationException>(() => _context.Render<FragmentHole>(p => p.Add(x => x.Component, typeof(VisitorBox)).Add(x => x.Parameters, new Dictionary<string, object?> { ["Greeting"] = new object() })));
    }

    [Fact]
    public void Render_HoleThrowsOnHit_FailsTheRender()
    {
        _visitor.Name = "alice";
        Render("throws", Child());
        _visitor.Fail = true;

        var error = Assert.ThrowsAny<InvalidOperationException>(() => Render("throws", Child()));

        Assert.Equal("visitor box failed on purpose", error.Message);
        Assert.Equal(1, _renders);
    }

    [Fact]
    public async Task Render_HoleInNestedFragments_IsAHoleOfBothAndRendersPerVisitor()
    {
        var innerRenders = 0;
        RenderFragment inner = builder =>
        {
            builder.OpenComponent<MemcacheFragment>(0);
            builder.AddComponentParameter(1, nameof(MemcacheFragment.Name), "inner");
            builder.AddComponentParameter(2, nameof(MemcacheFragment.ChildContent), (RenderFragment)(b =>
            {
                innerRenders++;
                b.AddMarkupContent(0, "<i>inner</i>");
                b.AddContent(1, Hole());
            }));
            builder.CloseComponent();
        };

        _visitor.Name = "alice";
        var alice = Render("outer", Child(hole: inner));
        _visitor.Name = "bob";
        var bob = Render("outer", Child(hole: inner));
        Assert.True(await Cache.InvalidateAsync(Key("outer"), cancellationToken: Cancel));
        _visitor.Name = "carol";
        var carol = Render("outer", Child(hole: inner));

        Assert.Equal("<p>before é 1</p><i>inner</i>[hi alice #7]<p>after</p>", alice);
        Assert.Equal("<p>before é 1</p><i>inner</i>[hi bob #7]<p>after</p>", bob);
        Assert.Equal("<p>before é 2</p><i>inner</i>[hi carol #7]<p>after</p>", carol);
        Assert.Equal(1, innerRenders);
        Assert.Equal(3, _visitor.Renders);
        var outer = await StoredAsync("outer");
        Assert.Equal("<p>before é 2</p><i>inner</i><p>after</p>", outer.Text);
        Assert.Single(Decode(outer));
        Assert.Equal("<i>inner</i>", (await StoredAsync("inner")).Text);
    }

    [Fact]
    public void Render_ChildContentAwaits_CapturesItsHtmlOnTheDispatcher()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        RenderFragment child = builder =>
        {
            builder.OpenComponent<Held>(0);
            builder.AddComponentParameter(1, nameof(Held.Gate), gate.Task);
            builder.CloseComponent();
        };

        var component = _context.Render<MemcacheFragment>(p => p.Add(x => x.Name, "awaits").Add(x => x.ChildContent, child));
        gate.SetResult();
        component.WaitForState(() => component.Markup.Length > 0, TimeSpan.FromSeconds(5));

        Assert.Equal("held", component.Markup);
    }

    [Fact]
    public void Render_SecondVisitorJoinsTheRunningRender_EachGetsOwnCascadedValueInTheHole()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        RenderFragment child = builder =>
        {
            _renders++;
            builder.OpenComponent<Held>(0);
            builder.AddComponentParameter(1, nameof(Held.Gate), gate.Task);
            builder.CloseComponent();
            builder.AddContent(2, Hole(component: typeof(CascadeBox)));
        };
        IRenderedComponent<CascadingValue<string>> Visit(string name) => _context.Render<CascadingValue<string>>(p => p
            .Add(x => x.Value, name)
            .AddChildContent<MemcacheFragment>(f => f.Add(x => x.Name, "joined").Add(x => x.ChildContent, child)));

        var alice = Visit("alice");
        var bob = Visit("bob");
        gate.SetResult();
        alice.WaitForState(() => alice.Markup.Length > 0, TimeSpan.FromSeconds(5));
        bob.WaitForState(() => bob.Markup.Length > 0, TimeSpan.FromSeconds(5));

        Assert.Equal("held[hi alice]", alice.Markup);
        Assert.Equal("held[hi bob]", bob.Markup);
        Assert.Equal(1, _renders);
    }

    [Fact]
    public void Split_MultiByteMarkup_OffsetsCountUtf8Bytes()
    {
        var recorder = new HoleRecorder();
        var one = new Hole(HoleKind.RazorComponent, "One, A", []);
        var two = new Hole(HoleKind.RazorComponent, "Two, A", []);
        var first = recorder.Add(one);
        var second = recorder.Add(two);

        // Placed out of the order they were recorded in: the markup order wins.
        var markup = recorder.Split("é€" + second + "😀" + first + "z");

        Assert.Equal("é€😀z", markup.Markup);
        Assert.Equal([new PlacedHole(5, two), new PlacedHole(9, one)], markup.Holes);
    }

    /// <summary>Content whose render waits for a gate (so a second visitor joins it).</summary>
    public sealed class Held : ComponentBase
    {
        [Parameter]
        public Task? Gate { get; set; }

        protected override Task OnInitializedAsync() => Gate ?? Task.CompletedTask;

        protected override void BuildRenderTree(RenderTreeBuilder builder) => builder.AddContent(0, "held");
    }

    /// <summary>A hole that shows a cascading value of the live tree.</summary>
    public sealed class CascadeBox : ComponentBase
    {
        [Parameter]
        public string? Greeting { get; set; }

        [Parameter]
        public int Post { get; set; }

        [CascadingParameter]
        public string? Name { get; set; }

        protected override void BuildRenderTree(RenderTreeBuilder builder) => builder.AddContent(0, $"[{Greeting} {Name}]");
    }

    /// <summary>Who is visiting now, as a hole sees it.</summary>
    public sealed class Visitor
    {
        public string Name { get; set; } = "nobody";

        public int Renders { get; set; }

        public bool Fail { get; set; }
    }

    /// <summary>A hole: the visitor's name, rendered for each visitor.</summary>
    public sealed class VisitorBox : ComponentBase
    {
        [Parameter]
        public string? Greeting { get; set; }

        [Parameter]
        public int Post { get; set; }

        [Inject]
        private Visitor Visitor { get; set; } = default!;

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            Visitor.Renders++;
            if (Visitor.Fail)
            {
                throw new InvalidOperationException("visitor box failed on purpose");
            }

            builder.AddContent(0, $"[{Greeting} {Visitor.Name} #{Post}]");
        }
    }
}
