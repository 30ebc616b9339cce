using FragmentCache;
using BlogSite.Services;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlogSite.Tests.Infrastructure;

/// <summary>
/// One instance of the blog on a real memcached, with its own SQLite file and key prefix unless given (two
/// factories with the same database and prefix are two instances of one site).
/// </summary>
public sealed class BlogSiteFactory : WebApplicationFactory<Program>
{
    private readonly string _memcached;
    private readonly TimeSpan _widgetDelay;
    private readonly bool _ownsDatabase;

    public BlogSiteFactory(string memcached, string? database = null, string? keyPrefix = null, TimeSpan? widgetDelay = null)
    {
        _memcached = memcached;
        _ownsDatabase = database is null;
        Database = database ?? NewDatabasePath();
        KeyPrefix = keyPrefix ?? NewKeyPrefix();
        _widgetDelay = widgetDelay ?? TimeSpan.Zero;
    }

    public string Database { get; }

    public string KeyPrefix { get; }

    /// <summary>More configuration, applied after the defaults (more servers, client timeouts). Set before the first request.</summary>
    public Dictionary<string, string?> Settings { get; } = new(StringComparer.Ordinal);

    public WidgetRenders Renders => Services.GetRequiredService<WidgetRenders>();

    public FragmentCacheStatistics Stats => Services.GetRequiredService<FragmentCacheStatistics>();

    public BlogStatistics Statistics => Services.GetRequiredService<BlogStatistics>();

    /// <summary>A fresh SQLite file in the temp folder.</summary>
    public static string NewDatabasePath() => Path.Combine(Path.GetTempPath(), "blogsite-test-" + Guid.NewGuid().ToString("N") + ".db");

    /// <summary>A key prefix no other host uses.</summary>
    public static string NewKeyPrefix() => "t" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>Starts the site on a real Kestrel port (for the browser) and returns its base address.</summary>
    public Uri StartKestrel()
    {
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
    }

    /// <summary>A client with its own cookies that does not follow redirects.</summary>
    public HttpClient CreateBrowserlessClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:FragmentCache", "Error");
        builder.UseSetting("Logging:LogLevel:BlogSite.Caching", "Warning");
        builder.UseSetting("FragmentCache:Servers:0", _memcached);
        builder.UseSetting("FragmentCache:KeyPrefix", KeyPrefix);

        // Behaviour, not deadlines: a CI box that stalls for half a second must not turn a store into a silent
        // drop. Fault tests set short timeouts through Settings, which are applied after these.
        builder.UseSetting("FragmentCache:Memcached:OperationTimeout", "00:00:10");
        builder.UseSetting("FragmentCache:Memcached:ConnectTimeout", "00:00:10");
        builder.UseSetting("BlogSite:Database", Database);
        builder.UseSetting("BlogSite:WidgetDelay", _widgetDelay.ToString());
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDatabase)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-shm", "-wal" })
            {
                File.Delete(Database + suffix);
            }
        }
    }
}
