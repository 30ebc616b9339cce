using FragmentCache.Mvc.Pages;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Tests.Pages;

/// <summary>
/// Table tests of what <c>UseCachePage</c> decides once per endpoint (<see cref="CachePageEndpoint.Create"/>): which
/// <c>[CachePage]</c> is effective (the one MVC runs last: highest order, then widest-to-narrowest scope, then the
/// later one), which filters leave the endpoint to the <c>[CachePage]</c> filter, and whether the endpoint carries
/// authorization metadata.
/// </summary>
public sealed class CachePageEndpointSelectionTableTests
{
    // FilterScope's values (static fields, so not usable in attributes).
    private const int Global = 10;
    private const int Controller = 20;
    private const int Action = 30;

    private static readonly IServiceProvider Services = new ServiceCollection().BuildServiceProvider();

    private static CachePageEndpoint Decide(IEnumerable<FilterDescriptor>? filters, params object[] metadata)
    {
        var items = new List<object>(metadata);
        if (filters is not null)
        {
            items.Insert(0, new ActionDescriptor { FilterDescriptors = [.. filters] });
        }

        var endpoint = new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(items), "test");
        return CachePageEndpoint.Create(endpoint, new(), new(), Services);
    }

    private static FilterDescriptor CachePage(int duration, int order, int scope) =>
        new(new CachePageAttribute { Duration = duration, Order = order }, scope);

    [Theory]
    [InlineData(0, Global, 0, Action, 20)]
    [InlineData(0, Action, 0, Controller, 10)]
    [InlineData(0, Controller, 0, Global, 10)]
    [InlineData(0, Action, 0, Action, 20)]
    [InlineData(0, Global, 0, Global, 20)]
    [InlineData(1, Global, 0, Action, 10)]
    [InlineData(0, Action, 1, Global, 20)]
    [InlineData(-1, Action, -2, Action, 10)]
    [InlineData(-2, Action, -1, Global, 20)]
    public void Create_TwoCachePages_TheOneMvcRunsLastDecides(int firstOrder, int firstScope, int secondOrder, int secondScope, int seconds)
    {
        var page = Decide([CachePage(10, firstOrder, firstScope), CachePage(20, secondOrder, secondScope)]);

        Assert.NotNull(page.Policy);
        Assert.Equal(TimeSpan.FromSeconds(seconds), page.Policy.Duration);
        Assert.Null(page.Declined);
    }

    [Fact]
    public void FilterScopes_AreTheValuesTheTableUses()
    {
        Assert.Equal(Global, FilterScope.Global);
        Assert.Equal(Controller, FilterScope.Controller);
        Assert.Equal(Action, FilterScope.Action);
    }

    [Fact]
    public void Create_ThreeCachePages_HighestOrderWinsWhereverItStands()
    {
        var page = Decide([CachePage(10, 0, FilterScope.Action), CachePage(20, 5, FilterScope.Global), CachePage(30, 0, FilterScope.Action)]);
        Assert.Equal(TimeSpan.FromSeconds(20), page.Policy?.Duration);
    }

    [Fact]
    public void Create_CachePageAmongOtherFilters_ItsPolicyIsUsed()
    {
        var page = Decide([new FilterDescriptor(new PlainFilter(), FilterScope.Global), CachePage(42, 0, FilterScope.Action)]);
        Assert.Equal(TimeSpan.FromSeconds(42), page.Policy?.Duration);
        Assert.Null(page.Declined);
        Assert.False(page.HasAuthorizationMetadata);
    }

    public static TheoryData<string, IFilterMetadata, string?> Filters => new()
    {
        { "authorization filter", new DenyFilter(), "an MVC authorization filter (DenyFilter)" },
        { "async authorization filter", new AsyncDenyFilter(), "an MVC authorization filter (AsyncDenyFilter)" },
        { "factory of an authorization filter", new Factory(() => new AsyncDenyFilter()), "an MVC authorization filter (AsyncDenyFilter)" },
        { "factory of another filter", new Factory(() => new PlainFilter()), null },
        { "factory that needs a request", new Factory(() => throw new InvalidOperationException("no request")), "a filter factory (Factory) whose filter cannot be created outside a request" },
        { "antiforgery validation", new AutoValidateAntiforgeryTokenAttribute(), null },
        { "action filter", new PlainFilter(), null },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public void Create_FilterBesideCachePage_LeavesTheEndpointToTheFilterWhenItAuthorizes(string kind, IFilterMetadata filter, string? declined)
    {
        foreach (var order in new[] { 0, 1 })
        {
            // Before or after the [CachePage] in the list: the same decision.
            var other = new FilterDescriptor(filter, FilterScope.Controller);
            var cachePage = CachePage(30, 0, FilterScope.Action);
            var page = Decide(order == 0 ? [other, cachePage] : [cachePage, other]);

            Assert.True(declined == page.Declined, $"{kind}: declined '{page.Declined}', expected '{declined}'");
            if (declined is null)
            {
                Assert.Equal(TimeSpan.FromSeconds(30), page.Policy?.Duration);
            }
            else
            {
                Assert.Null(page.Policy);
            }
        }
    }

    [Fact]
    public void Create_TwoAuthorizingFilters_TheFirstIsNamed()
    {
        var page = Decide([
            new FilterDescriptor(new DenyFilter(), FilterScope.Global),
            new FilterDescriptor(new AsyncDenyFilter(), FilterScope.Action),
            CachePage(30, 0, FilterScope.Action)]);

        Assert.Equal("an MVC authorization filter (DenyFilter)", page.Declined);
    }

    [Fact]
    public void Create_UnknownProfile_DeclinedWithTheFiltersMessage()
    {
        var page = Decide([new FilterDescriptor(new CachePageAttribute { Profile = "missing" }, FilterScope.Action)], new AuthorizeAttribute());

        Assert.Null(page.Policy);
        Assert.Equal("[CachePage(Profile = \"missing\")]: no such profile in FragmentCache:Mvc:Profiles.", page.Declined);
        Assert.True(page.HasAuthorizationMetadata);
    }

    public static TheoryData<string, object?, bool> AuthorizationMetadata => new()
    {
        { "none", null, false },
        { "[Authorize]", new AuthorizeAttribute(), true },
        { "a policy", new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build(), true },
        { "requirement data", new RequirementData(), true },
        { "[AllowAnonymous]", new AllowAnonymousAttribute(), false },
    };

    [Theory]
    [MemberData(nameof(AuthorizationMetadata))]
    public void Create_AuthorizationMetadata_RecordedWhetherCachedOrDeclined(string kind, object? metadata, bool expected)
    {
        object[] extra = metadata is null ? [] : [metadata];

        var cached = Decide([CachePage(30, 0, FilterScope.Action)], extra);
        Assert.True(expected == cached.HasAuthorizationMetadata, kind);
        Assert.NotNull(cached.Policy);

        var declined = Decide([new FilterDescriptor(new DenyFilter(), FilterScope.Global), CachePage(30, 0, FilterScope.Action)], extra);
        Assert.True(expected == declined.HasAuthorizationMetadata, kind);
        Assert.NotNull(declined.Declined);
    }

    public static TheoryData<string, FilterDescriptor[]?> NoCachePage => new()
    {
        { "not an MVC endpoint", null },
        { "no filters", [] },
        { "only other filters", [new FilterDescriptor(new PlainFilter(), FilterScope.Action)] },
        { "only an authorization filter", [new FilterDescriptor(new DenyFilter(), FilterScope.Action)] },
    };

    [Theory]
    [MemberData(nameof(NoCachePage))]
    public void Create_NoCachePage_LeftAloneWithNothingToLog(string kind, FilterDescriptor[]? filters)
    {
        var page = Decide(filters, new AuthorizeAttribute());

        Assert.True(page.Policy is null, kind);
        Assert.True(page.Declined is null, kind);
        Assert.False(page.HasAuthorizationMetadata, kind);
    }

    private sealed class DenyFilter : IAuthorizationFilter
    {
        public void OnAuthorization(AuthorizationFilterContext context) => context.Result = new ForbidResult();
    }

    private sealed class AsyncDenyFilter : IAsyncAuthorizationFilter
    {
        public Task OnAuthorizationAsync(AuthorizationFilterContext context)
        {
            context.Result = new ForbidResult();
            return Task.CompletedTask;
        }
    }

    private sealed class PlainFilter : IActionFilter
    {
        public void OnActionExecuting(ActionExecutingContext context)
        {
        }

        public void OnActionExecuted(ActionExecutedContext context)
        {
        }
    }

    private sealed class Factory(Func<IFilterMetadata> create) : IFilterFactory
    {
        public bool IsReusable => false;

        public IFilterMetadata CreateInstance(IServiceProvider serviceProvider) => create();
    }

    private sealed class RequirementData : IAuthorizationRequirementData
    {
        public IEnumerable<IAuthorizationRequirement> GetRequirements() => [];
    }
}
