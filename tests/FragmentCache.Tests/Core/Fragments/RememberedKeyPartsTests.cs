using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Tests.Core;

/// <summary>
/// What a hit builds again and again is built once and shared: a fragment key per canonical form, a tag name per
/// decoded entry, a one-tag counter read per generation. Sharing never changes an answer.
/// </summary>
public sealed class RememberedKeyPartsTests
{
    [Fact]
    public void Create_SameNameAndValues_SharesOneKey()
    {
        var first = FragmentKey.Create("remembered-page", ["url", "http://localhost/a", 0, null]);
        var second = FragmentKey.Create("remembered-page", ["url", new string("http://localhost/a".ToCharArray()), 0, null]);

        Assert.Same(first, second);
        Assert.Equal(first.StoreKey, second.StoreKey);
    }

    [Theory]
    [MemberData(nameof(FragmentKeyTests.DistinctPairs), MemberType = typeof(FragmentKeyTests))]
    public void Create_RememberedKeys_StillDoNotCollide(string name1, object?[] vary1, string name2, object?[] vary2)
    {
        // Built twice each, so the second build of each comes from the memory.
        FragmentKey.Create(name1, vary1);
        FragmentKey.Create(name2, vary2);

        var a = FragmentKey.Create(name1, vary1);
        var b = FragmentKey.Create(name2, vary2);

        Assert.NotEqual(a.Canonical, b.Canonical);
        Assert.NotEqual(a.StoreKey, b.StoreKey);
        Assert.Equal(name1, a.Name);
        Assert.Equal(name2, b.Name);
    }

    [Fact]
    public void Create_LongCanonicalForm_IsBuiltEachTimeAndEqual()
    {
        var value = new string('x', FragmentKey.MaxRememberedCanonicalLength);

        var first = FragmentKey.Create("long", [value]);
        var second = FragmentKey.Create("long", [value]);

        Assert.NotSame(first, second);
        Assert.Equal(first, second);
        Assert.Equal(first.StoreKey, second.StoreKey);
    }

    [Fact]
    public void Create_ManyKeys_PastTheBound_StayCorrect()
    {
        // More distinct keys than are remembered: the memory starts over, every key is still its own.
        for (var i = 0; i < FragmentKey.MaxRememberedKeys + 100; i++)
        {
            var key = FragmentKey.Create("bound", [i]);
            Assert.Equal("5:bound" + i.ToString(System.Globalization.CultureInfo.InvariantCulture).Length + ":" + i, key.Canonical);
        }

        Assert.Same(FragmentKey.Create("bound", [7]), FragmentKey.Create("bound", [7]));
    }

    [Fact]
    public void TryDecode_TagSeenBefore_SharesItsName()
    {
        var tag = "page-path:/remembered/" + Guid.NewGuid().ToString("N");
        var bytes = FragmentEntryCodec.Encode(new FragmentEntry("1:a", FragmentContentKind.Utf8Text, 1, [new TagGeneration(tag, 5), new TagGeneration("清", 6)], "x"u8.ToArray()));

        Assert.True(FragmentEntryCodec.TryDecode(bytes, out var first, out _));
        Assert.True(FragmentEntryCodec.TryDecode(bytes, out var second, out _));

        Assert.Equal(tag, first!.Tags[0].Tag);
        Assert.Equal("清", first.Tags[1].Tag);
        Assert.Same(first.Tags[0].Tag, second!.Tags[0].Tag);
        Assert.Same(first.Tags[1].Tag, second.Tags[1].Tag);
        Assert.Equal(first.Tags, second.Tags);
    }

    [Fact]
    public void TryDecode_TagOfInvalidUtf8_IsRejected()
    {
        var bytes = FragmentEntryCodec.Encode(new FragmentEntry("1:a", FragmentContentKind.Utf8Text, 1, [new TagGeneration("ab", 5)], "x"u8.ToArray()));
        var tagAt = bytes.AsSpan().IndexOf("ab"u8);
        bytes[tagAt] = 0xC3; // a lead byte followed by ASCII: not UTF-8

        Assert.False(FragmentEntryCodec.TryDecode(bytes, out var entry, out var error));
        Assert.Null(entry);
        Assert.Equal("truncated", error);
    }

    [Fact]
    public void TryDecode_TagLongerThanRemembered_DecodesAsBefore()
    {
        var tag = new string('t', 300) + "\u00e9";
        var bytes = FragmentEntryCodec.Encode(new FragmentEntry("1:a", FragmentContentKind.Utf8Text, 1, [new TagGeneration(tag, 5)], "x"u8.ToArray()));

        Assert.True(FragmentEntryCodec.TryDecode(bytes, out var entry, out _));
        Assert.Equal(tag, entry!.Tags[0].Tag);
        Assert.Equal(Encoding.UTF8.GetByteCount(tag), Encoding.UTF8.GetByteCount(entry.Tags[0].Tag));
    }

    [Fact]
    public async Task ReadAsync_OneTag_SharedAnswerFollowsTheCounter()
    {
        var time = TestClock.Create();
        using var memory = new MemoryCacheStore(time);
        await using var host = TestHost.Create(memory, time);
        var tags = host.Services.GetRequiredService<TagGenerationStore>();
        var first = await tags.GetOrCreateAsync(["posts"], null, TestContext.Current.CancellationToken);

        var read = await tags.ReadAsync(["posts"], TestContext.Current.CancellationToken);
        var again = await tags.ReadAsync(["posts"], TestContext.Current.CancellationToken);
        Assert.Same(read, again);
        Assert.Equal(first[0].Generation, read["posts"]);

        var moved = await tags.InvalidateAsync("posts", TestContext.Current.CancellationToken);
        var after = await tags.ReadAsync(["posts"], TestContext.Current.CancellationToken);

        Assert.NotSame(read, after);
        Assert.Equal(moved, after["posts"]);
        Assert.Equal(first[0].Generation, read["posts"]);
        Assert.Single(read);
    }

    [Fact]
    public async Task TaggedHit_AfterInvalidation_RendersAgain()
    {
        var time = TestClock.Create();
        using var memory = new MemoryCacheStore(time);
        await using var host = TestHost.Create(memory, time);
        var options = new FragmentCacheEntryOptions { Tags = ["posts"] };
        var renderer = new RenderCounter("v1");
        Assert.Equal("v1", await host.Fragments.GetOrRenderAsync("a", null, options, renderer.RenderAsync));
        Assert.Equal("v1", await host.Fragments.GetOrRenderAsync("a", null, options, renderer.RenderAsync));

        await host.Fragments.InvalidateTagAsync("posts");
        renderer.Output = "v2";

        Assert.Equal("v2", await host.Fragments.GetOrRenderAsync("a", null, options, renderer.RenderAsync));
        Assert.Equal("v2", await host.Fragments.GetOrRenderAsync("a", null, options, renderer.RenderAsync));
        Assert.Equal(2, renderer.Calls);
    }
}
