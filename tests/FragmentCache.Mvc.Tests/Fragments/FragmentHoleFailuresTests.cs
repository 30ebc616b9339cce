using System.Net;
using FragmentCache.Mvc.Tests.Infrastructure;

namespace FragmentCache.Mvc.Tests.Fragments;

/// <summary>
/// Holes that cannot render: an unknown component or an argument a cached entry cannot carry fail the first render,
/// naming the hole; a hole that throws on a hit fails that request as an uncached render would.
/// </summary>
public sealed class FragmentHoleFailuresTests
{
    [Fact]
    public async Task UnknownComponent_FirstRender_FailsNamingTheHole()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;

        var (response, body) = await factory.CreateClient().SendAsync("/Holes/Unknown");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("there is no view component named", body);
        Assert.Contains("HolesNoSuchComponent", body);
    }

    [Fact]
    public async Task ArgumentOfAnotherType_FirstRender_FailsNamingTheArgument()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;

        var (response, body) = await factory.CreateClient().SendAsync("/Holes/BadArgs");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("HolesEcho", body);
        Assert.Matches("argument (&#x27;|')owner(&#x27;|')", body);
        Assert.Contains("System.Collections.Generic.List", body);
        Assert.Equal(0, factory.Counter.Count("holes-echo"));
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("memcached")]
    public async Task HoleThrowsOnHit_RequestFails_NextRequestHitsAgain(string backend)
    {
        await using var host = await HolesHost.StartAsync(backend);
        var client = host.Factory.CreateClient();

        var (first, miss) = await client.SendAsync("/Holes/Throwing");
        host.Factory.Counter.Fail = true;
        var (failed, error) = await client.SendAsync("/Holes/Throwing");
        host.Factory.Counter.Fail = false;
        var (third, hit) = await client.SendAsync("/Holes/Throwing");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("[holes-throwing:1][echo:7:Friday:1]", miss.Trim());
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Contains("render failed on purpose", error);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal("hit", third.Header("X-Fragment-Cache"));
        Assert.Equal("[holes-throwing:1][echo:7:Friday:2]", hit.Trim());
        Assert.Equal(1, host.Factory.Counter.Count("holes-throwing"));
    }
}
