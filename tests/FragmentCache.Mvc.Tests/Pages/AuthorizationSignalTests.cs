using FragmentCache.Mvc.Pages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Tests.Pages;

/// <summary>
/// <c>UseCachePage</c> learns that ASP.NET's authorization middleware ran from a key that middleware puts in
/// <c>HttpContext.Items</c>; this pins the key against the framework in use, over HTTP.
/// </summary>
public sealed class AuthorizationSignalTests
{
    [Theory]
    [InlineData(true, "ran")]
    [InlineData(false, "not run")]
    public async Task AuthorizationRan_IsWhatTheAuthorizationMiddlewareSets(bool useAuthorization, string expected)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddAuthorization();
        await using var app = builder.Build();
        app.UseRouting();
        if (useAuthorization)
        {
            app.UseAuthorization();
        }

        app.MapGet("/probe", (HttpContext context) => CachePageMiddleware.AuthorizationRan(context) ? "ran" : "not run");
        await app.StartAsync(TestContext.Current.CancellationToken);

        var body = await app.GetTestClient().GetStringAsync(new Uri("/probe", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(expected, body);
    }
}
