using System.Text;
using FragmentCache.Tests.Infrastructure;

namespace FragmentCache.Tests.Core;

/// <summary>
/// A render's hole table comes back with every answer: the render's own result, a hit from the store, a two-tier local
/// copy and a caller that joined the render; <see cref="FragmentResult.Utf8"/> and <see cref="FragmentResult.Text"/> are
/// the markup alone.
/// </summary>
public abstract class FragmentResultHolesTests
{
    private static readonly byte[] Table = [1, 0, 1, 0, 0, 0, 3, 0, 0, 2, (byte)'U', (byte)'M', 0];

    protected abstract ICacheStore NewStore();

    private TestHost NewHost(bool twoTier = false)
    {
        var prefix = "holes" + Guid.NewGuid().ToString("N")[..8];
        return TestHost.Create(NewStore(), TimeProvider.System, o =>
        {
            o.KeyPrefix = prefix;
            o.Stampede.PollInterval = TimeSpan.FromMilliseconds(10);
            o.TwoTier.Enabled = twoTier;
            o.TwoTier.LocalExpiration = TimeSpan.FromMinutes(1);
        });
    }

    private static ValueTask<FragmentRender> WithHoles(CancellationToken _) => ValueTask.FromResult(FragmentRender.Stored("<p>ü</p>", Table));

    private static ValueTask<FragmentRender> Unexpected(CancellationToken _) => throw new InvalidOperationException("rendered again");

    private static void AssertMarkupAndTable(FragmentResult result)
    {
        Assert.Equal(Table, result.Holes.ToArray());
        Assert.Equal(Encoding.UTF8.GetBytes("<p>ü</p>"), result.Utf8.ToArray());
        Assert.Equal("<p>ü</p>", result.Text);
    }

    [Fact]
    public async Task GetOrRenderAsync_RenderWithHoles_OwnResultAndStoreHitCarryTheTable()
    {
        await using var host = NewHost();
        var key = FragmentKey.Create("card", [1]);

        var own = await host.Fragments.GetOrRenderAsync(key, null, WithHoles, TestContext.Current.CancellationToken);
        var hit = await host.Fragments.GetOrRenderAsync(key, null, Unexpected, TestContext.Current.CancellationToken);

        Assert.Equal(FragmentOutcome.Miss, own.Outcome);
        AssertMarkupAndTable(own);
        Assert.Equal(FragmentOutcome.Hit, hit.Outcome);
        Assert.False(hit.HasText);
        AssertMarkupAndTable(hit);
    }

    [Fact]
    public async Task GetOrRenderAsync_LocalCopy_CarriesTheTable()
    {
        await using var host = NewHost(twoTier: true);
        var key = FragmentKey.Create("card", [2]);

        await host.Fragments.GetOrRenderAsync(key, null, WithHoles, TestContext.Current.CancellationToken);
        var local = await host.Fragments.GetOrRenderAsync(key, null, Unexpected, TestContext.Current.CancellationToken);

        Assert.Equal(FragmentOutcome.LocalHit, local.Outcome);
        AssertMarkupAndTable(local);
    }

    [Fact]
    public async Task GetOrRenderAsync_JoinedFlight_CarriesTheTable()
    {
        await using var host = NewHost();
        var key = FragmentKey.Create("card", [3]);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var leader = host.Fragments.GetOrRenderAsync(key, null, async _ =>
        {
            started.SetResult();
            await gate.Task;
            return FragmentRender.Stored("<p>ü</p>", Table);
        }, TestContext.Current.CancellationToken).AsTask();
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var joiner = host.Fragments.GetOrRenderAsync(key, null, Unexpected, TestContext.Current.CancellationToken).AsTask();
        Assert.False(joiner.IsCompleted);
        gate.SetResult();

        var joined = await joiner.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await leader.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.True(joined.IsFromCache);
        AssertMarkupAndTable(joined);
    }

    [Fact]
    public async Task GetOrRenderAsync_NoHoles_StoredAsPlainTextWithEmptyTable()
    {
        await using var host = NewHost();
        var key = FragmentKey.Create("card", [4]);

        await host.Fragments.GetOrRenderAsync(key, null, _ => ValueTask.FromResult(FragmentRender.Stored("<p>ü</p>")), TestContext.Current.CancellationToken);
        var hit = await host.Fragments.GetOrRenderAsync(key, null, Unexpected, TestContext.Current.CancellationToken);

        Assert.True(hit.Holes.IsEmpty);
        Assert.Equal(Encoding.UTF8.GetBytes("<p>ü</p>"), hit.Utf8.ToArray());
    }
}

public sealed class MemoryFragmentResultHolesTests : FragmentResultHolesTests
{
    protected override ICacheStore NewStore() => new MemoryCacheStore(TimeProvider.System);
}

[Collection(MemcachedCollection.Name)]
public sealed class MemcachedFragmentResultHolesTests(MemcachedFixture fixture) : FragmentResultHolesTests
{
    protected override ICacheStore NewStore() => new MemcachedCacheStore(TestClientOptions.For(fixture.Address));
}
