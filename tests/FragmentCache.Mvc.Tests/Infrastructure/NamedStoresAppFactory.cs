using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace FragmentCache.Mvc.Tests.Infrastructure;

/// <summary>A host of the test app configured by settings alone (stores, servers, profiles), as an application's appsettings would.</summary>
public sealed class NamedStoresAppFactory(IReadOnlyDictionary<string, string> settings) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Error));
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
