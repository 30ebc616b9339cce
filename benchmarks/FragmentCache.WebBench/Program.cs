using FragmentCache.WebBench;

// The end-to-end benchmark app: the same page in every caching variant, one route each (see BenchController), and
// the cheap page (an <h1> and a 200-row list) in the same variants under /cheap/.
// One process has one IDistributedCache and one two-tier setting, so benchmarks/run-web.sh starts it once per
// configuration, all through configuration switches:
//   --Bench:Distributed=redis|memcached   what <distributed-cache> stores in (default: memory)
//   --Bench:Redis=127.0.0.1:PORT          redis-server for --Bench:Distributed=redis
//   --FragmentCache:Servers:0=127.0.0.1:PORT   memcached for <memcache-fragment>, [CachePage] (and IDistributedCache,
//                                         through the same shared client)
//   --FragmentCache:TwoTier:Enabled=true  the in-process copy in front of memcached
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);

builder.Services.AddControllersWithViews();
builder.Services.AddFragmentCache(builder.Configuration.GetSection("FragmentCache")).UseMemcached();
builder.Services.AddFragmentCacheMvc(o => o.EmitCacheStatusHeader = false);
builder.Services.AddOutputCache(); // the built-in, in memory: AddFragmentCacheOutputCacheStore is deliberately not called
builder.Services.AddSingleton<RenderCounter>();
builder.Services.AddSingleton<FragmentCache.WebBench.Ceilings.RawSocketGets>();

var distributed = builder.Configuration["Bench:Distributed"];
var servers = builder.Configuration.GetSection("FragmentCache:Servers").Get<string[]>() ?? [];
switch (distributed)
{
    case "redis":
        var redis = builder.Configuration["Bench:Redis"] ?? throw new InvalidOperationException("--Bench:Redis=host:port is required with --Bench:Distributed=redis");
        builder.Services.AddStackExchangeRedisCache(o => o.Configuration = redis);
        break;
    case "memcached":
        // The client UseMemcached registered, with the FragmentCache:Servers it reads: one client for both.
        builder.Services.AddMemcachedDistributedCache(_ => { });
        break;
    default:
        builder.Services.AddDistributedMemoryCache();
        break;
}

var app = builder.Build();
app.UseRouting();
app.UseOutputCache();
app.UseCachePage(); // [CachePage] hits answered before MVC, as UseOutputCache answers [OutputCache] ones
app.MapControllers();
app.MapGet("/renders", (string? run, RenderCounter counter) => counter.Get(run ?? string.Empty).ToString(System.Globalization.CultureInfo.InvariantCulture));
app.MapGet("/cheap/renders", (string? run, RenderCounter counter) => counter.Get(run ?? string.Empty).ToString(System.Globalization.CultureInfo.InvariantCulture));
app.MapGet("/holes/profile", (int? n, IServiceProvider services) => HoleProfile.RunAsync(services, n));
app.MapGet("/holes/floor/bare", HoleFloor.BareAsync);
app.MapGet("/holes/floor/component", HoleFloor.ComponentAsync);
app.MapGet("/cheap/floor", CheapFloor.BareAsync);
app.MapGet("/cheap/profile", (int? n, IServiceProvider services) => CheapProfile.RunAsync(services, n));
app.MapGet("/cheap/floor/memcached", (HttpContext http, FragmentCache.Memcached.IMemcachedClient client) => CheapFloor.MemcachedAsync(http, client));
app.MapGet("/cheap/floor/socket", (HttpContext http, FragmentCache.WebBench.Ceilings.RawSocketGets sockets, FragmentCache.Memcached.IMemcachedClient client) => CheapFloor.SocketAsync(http, sockets, client));
app.MapGet("/config", (IConfiguration c) => $"distributed={distributed ?? "memory"} servers={string.Join(",", servers)} twoTier={c["FragmentCache:TwoTier:Enabled"] ?? "false"}");
app.Run();
