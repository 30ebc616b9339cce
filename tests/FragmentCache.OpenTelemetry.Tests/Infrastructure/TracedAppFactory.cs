using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FragmentCache.OpenTelemetry.Tests.Infrastructure;

/// <summary>
/// The MVC test app on one memcached (or on an address nobody listens on), with OpenTelemetry wired as an application
/// does (<c>AddOpenTelemetry().WithTracing(...).WithMetrics(...)</c>, ASP.NET Core's instrumentation for the request
/// span and <c>AddFragmentCacheInstrumentation()</c>), exporting to memory.
/// </summary>
public sealed class TracedAppFactory(string server) : WebApplicationFactory<Program>
{
    /// <summary>Every span ended so far, in the order they ended.</summary>
    public LockedCollection<Activity> Spans { get; } = new();

    /// <summary>The metrics of every collection (<see cref="CollectMetrics"/>).</summary>
    public LockedCollection<MetricSnapshot> Metrics { get; } = new();

    /// <summary>Collects the metrics now (into <see cref="Metrics"/>).</summary>
    public void CollectMetrics() => Assert.True(Services.GetRequiredService<MeterProvider>().ForceFlush(10_000), "the meter provider did not flush");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Error));
        builder.UseSetting("FragmentCache:Servers:0", server);
        // Behaviour, not deadlines: a stalled CI box must not turn a store into a silent drop.
        builder.UseSetting("FragmentCache:Memcached:OperationTimeout", "00:00:10");
        builder.UseSetting("FragmentCache:Memcached:ConnectTimeout", "00:00:10");
        builder.ConfigureTestServices(services => services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddAspNetCoreInstrumentation().AddFragmentCacheInstrumentation().AddInMemoryExporter(Spans))
            .WithMetrics(metrics => metrics.AddFragmentCacheInstrumentation().AddInMemoryExporter(Metrics)));
    }
}
