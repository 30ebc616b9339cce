using FragmentCache.Mvc.Pages;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Authorization;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Tests.Pages;

/// <summary>Which <c>[CachePage]</c> of an endpoint <c>UseCachePage</c> serves, and which endpoints it leaves to the filter.</summary>
public sealed class CachePageEndpointSelectionTests
{
    private static readonly FragmentCacheMvcOptions Mvc = new()
    {
        Profiles = { ["p"] = new CacheProfile { Duration = TimeSpan.FromSeconds(77) } },
    };

    // FilterScope's values (static fields, not constants, so they cannot appear in an attribute).
    private const int Global = 10;
    private const int Controller = 20;
    private const int Action = 30;

    private static readonly ServiceProvider Services = new ServiceCollection().BuildServiceProvider();

    /// <summary>Each filter as (duration, scope, order); the expected winner's duration in seconds.</summary>
    [Theory]
    [InlineData(new[] { 10 }, new[] { Action }, new[] { 0 }, 10)]
    [InlineData(new[] { 10, 20 }, new[] { Controller, Action }, new[] { 0, 0 }, 20)]
    [InlineData(new[] { 20, 10 }, new[] { Action, Controller }, new[] { 0, 0 }, 20)]
    [InlineData(new[] { 10, 20 }, new[] { Global, Controller }, new[] { 0, 0 }, 20)]
    [InlineData(new[] { 10, 20 }, new[] { Controller, Action }, new[] { 1, 0 }, 10)]
    [InlineData(new[] { 10, 20 }, new[] { Action, Action }, new[] { 0, 0 }, 20)]
    [InlineData(new[] { 10, 20 }, new[] { Action, Action }, new[] { 2, 1 }, 10)]
    [InlineData(new[] { 10, 20, 30 }, new[] { Action, Global, Controller }, new[] { 0, 5, 0 }, 20)]
    [InlineData(new[] { 10, 20 }, new[] { Action, Controller }, new[] { -1, 0 }, 20)]
    public void TheFilterMvcRunsLastDecides(int[] durations, int[] scopes, int[] orders, int expectedSeconds)
    {
        var filters = durations.Select((d, i) => new FilterDescriptor(new CachePageAttribute { Duration = d, Order = orders[i] }, scopes[i])).ToArray();

        var page = CachePageEndpoint.Create(Endpoint(filters), Mvc, new PageCacheOptions(), Services);

        Assert.Null(page.Declined);
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), page.Policy?.Duration);
    }

    [Fact]
    public void NoActionDescriptor_LeftAlone()
    {
        var page = CachePageEndpoint.Create(new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(), "plain"), Mvc, new PageCacheOptions(), Services);

        Assert.Null(page.Policy);
        Assert.Null(page.Declined);
        Assert.False(page.HasAuthorizationMetadata);
    }

    [Fact]
    public void NoCachePage_LeftAlone()
    {
        var page = CachePageEndpoint.Create(Endpoint([new FilterDescriptor(new OtherFilter(), FilterScope.Action)]), Mvc, new PageCacheOptions(), Services);

        Assert.Null(page.Policy);
        Assert.Null(page.Declined);
    }

    [Fact]
    public void NoFilters_LeftAlone()
    {
        var page = CachePageEndpoint.Create(Endpoint([]), Mvc, new PageCacheOptions(), Services);

        Assert.Null(page.Policy);
        Assert.Null(page.Declined);
    }

    [Theory]
    [InlineData("authorize-filter", "an MVC authorization filter (AuthorizeFilter)")]
    [InlineData("sync-authorization", "an MVC authorization filter (SyncAuthorization)")]
    [InlineData("factory-of-authorization", "an MVC authorization filter (SyncAuthorization)")]
    [InlineData("failing-factory", "a filter factory (FailingFactory) whose filter cannot be created outside a request")]
    [InlineData("factory-of-other", null)]
    [InlineData("auto-antiforgery", null)]
    [InlineData("other", null)]
    public void AnMvcAuthorizationFilter_LeavesTheEndpointToTheFilter(string kind, string? declined)
    {
        IFilterMetadata other = kind switch
        {
            "authorize-filter" => new AuthorizeFilter(),
            "sync-authorization" => new SyncAuthorization(),
            "factory-of-authorization" => new Factory(new SyncAuthorization()),
            "failing-factory" => new FailingFactory(),
            "factory-of-other" => new Factory(new OtherFilter()),
            "auto-antiforgery" => new AutoValidateAntiforgeryTokenAttribute(),
            _ => new OtherFilter(),
        };

        var page = CachePageEndpoint.Create(
            Endpoint([new FilterDescriptor(other, FilterScope.Global), new FilterDescriptor(new CachePageAttribute { Duration = 5 }, FilterScope.Action)]),
            Mvc,
            new PageCacheOptions(),
            Services);

        Assert.Equal(declined, page.Declined);
        Assert.Equal(declined is null, page.Policy is not null);
    }

    [Fact]
    public void AuthorizationFilterAfterTheAttribute_AlsoDeclines()
    {
        var page = CachePageEndpoint.Create(
            Endpoint([new FilterDescriptor(new CachePageAttribute(), FilterScope.Controller), new FilterDescriptor(new SyncAuthorization(), FilterScope.Action)]),
            Mvc,
            new PageCacheOptions(),
            Services);

        Assert.Null(page.Policy);
        Assert.Equal("an MVC authorization filter (SyncAuthorization)", page.Declined);
    }

    [Theory]
    [InlineData("authorize", true)]
    [InlineData("policy", true)]
    [InlineData("allow-anonymous", false)]
    [InlineData("none", false)]
    public void AuthorizationMetadata_IsNoted(string metadata, bool expected)
    {
        object[] extra = metadata switch
        {
            "authorize" => [new AuthorizeAttribute()],
            "policy" => [new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build()],
            "allow-anonymous" => [new AllowAnonymousAttribute()],
            _ => [],
        };

        var page = CachePageEndpoint.Create(Endpoint([new FilterDescriptor(new CachePageAttribute(), FilterScope.Action)], extra), Mvc, new PageCacheOptions(), Services);

        Assert.NotNull(page.Policy);
        Assert.Equal(expected, page.HasAuthorizationMetadata);
    }

    [Fact]
    public void DeclinedEndpoint_StillNotesAuthorizationMetadata()
    {
        var page = CachePageEndpoint.Create(
            Endpoint([new FilterDescriptor(new SyncAuthorization(), FilterScope.Action), new FilterDescriptor(new CachePageAttribute(), FilterScope.Action)], [new AuthorizeAttribute()]),
            Mvc,
            new PageCacheOptions(),
            Services);

        Assert.NotNull(page.Declined);
        Assert.True(page.HasAuthorizationMetadata);
    }

    [Fact]
    public void Profile_ResolvedOnce_UnknownOneDeclinedWithItsName()
    {
        var known = CachePageEndpoint.Create(Endpoint([new FilterDescriptor(new CachePageAttribute { Profile = "p" }, FilterScope.Action)]), Mvc, new PageCacheOptions(), Services);
        var unknown = CachePageEndpoint.Create(Endpoint([new FilterDescriptor(new CachePageAttribute { Profile = "missing" }, FilterScope.Action)]), Mvc, new PageCacheOptions(), Services);

        Assert.Equal(TimeSpan.FromSeconds(77), known.Policy?.Duration);
        Assert.Null(unknown.Policy);
        Assert.Contains("\"missing\"", unknown.Declined, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultDuration_FromTheOptions()
    {
        var page = CachePageEndpoint.Create(
            Endpoint([new FilterDescriptor(new CachePageAttribute(), FilterScope.Action)]),
            Mvc,
            new PageCacheOptions { DefaultDuration = TimeSpan.FromSeconds(9) },
            Services);

        Assert.Equal(TimeSpan.FromSeconds(9), page.Policy?.Duration);
        Assert.False(page.Policy!.PerSite);
    }

    private static Endpoint Endpoint(FilterDescriptor[] filters, object[]? metadata = null)
    {
        var action = new ActionDescriptor { FilterDescriptors = filters };
        return new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection([action, .. metadata ?? []]), "action");
    }

    private sealed class OtherFilter : IActionFilter
    {
        public void OnActionExecuting(ActionExecutingContext context)
        {
        }

        public void OnActionExecuted(ActionExecutedContext context)
        {
        }
    }

    private sealed class SyncAuthorization : IAuthorizationFilter
    {
        public void OnAuthorization(AuthorizationFilterContext context)
        {
        }
    }

    private sealed class Factory(IFilterMetadata product) : IFilterFactory
    {
        public bool IsReusable => false;

        public IFilterMetadata CreateInstance(IServiceProvider serviceProvider) => product;
    }

    private sealed class FailingFactory : IFilterFactory
    {
        public bool IsReusable => false;

        public IFilterMetadata CreateInstance(IServiceProvider serviceProvider) => throw new InvalidOperationException("needs a request");
    }
}
