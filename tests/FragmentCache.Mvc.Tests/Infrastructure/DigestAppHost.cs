extern alias DigestAppA;
extern alias DigestAppB;

using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FragmentCache.Mvc.Tests.Infrastructure;

/// <summary>
/// One build of the digest test app (tests/DigestApps) running in a test server: MVC discovers its parts from that
/// build's assembly alone, as it would for a deployed app, and the fragment cache uses the given store or servers, so
/// two builds started one after the other over one store are two deploys of the same site.
/// </summary>
public sealed class DigestAppHost : IAsyncDisposable
{
    /// <summary>The build whose views are identical but for one partial, one component view and one component's code.</summary>
    public static readonly Assembly BuildA = typeof(DigestAppA::DigestApp.Controllers.HomeController).Assembly;

    /// <summary>The other build.</summary>
    public static readonly Assembly BuildB = typeof(DigestAppB::DigestApp.Controllers.HomeController).Assembly;

    private readonly WebApplication _app;

    private DigestAppHost(WebApplication app) => _app = app;

    public IServiceProvider Services => _app.Services;

    public HttpClient CreateClient() => _app.GetTestClient();

    /// <summary>
    /// Starts <paramref name="build"/> on <paramref name="time"/> over <paramref name="store"/>, or over memcached at
    /// <paramref name="server"/>; <paramref name="logs"/>, when given, receives its logs from Information up.
    /// </summary>
    public static async Task<DigestAppHost> StartAsync(Assembly build, TimeProvider time, ICacheStore? store = null, string? server = null, ILoggerProvider? logs = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = build.GetName().Name,
            EnvironmentName = "Production",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseTestServer();
        builder.Logging.SetMinimumLevel(logs is null ? LogLevel.Error : LogLevel.Information);
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        builder.Services.AddSingleton(time);
        builder.Services.AddControllersWithViews();
        var cache = builder.Services.AddFragmentCache(_ => { }).UseMemcached(o =>
        {
            if (server is not null)
            {
                o.Servers.Add(server);
            }
        });
        if (store is not null)
        {
            cache.UseStore(_ => store);
        }

        builder.Services.AddFragmentCacheMvc();
        var app = builder.Build();
        app.MapControllerRoute("default", "{controller}/{action}/{id?}");
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new DigestAppHost(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(TestContext.Current.CancellationToken);
        await _app.DisposeAsync();
    }
}
