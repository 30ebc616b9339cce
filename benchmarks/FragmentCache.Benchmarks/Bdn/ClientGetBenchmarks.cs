using BenchmarkDotNet.Attributes;
using FragmentCache.Memcached;

namespace FragmentCache.Benchmarks.Bdn;

/// <summary>
/// The client's hit path, one request at a time, with allocations measured: a hit of a 1 KB value should
/// allocate only the value's own buffer (1024 B + the array header).
/// </summary>
[MemoryDiagnoser]
public class ClientGetBenchmarks
{
    private BenchmarkServer? _server;
    private MemcachedClient? _client;
    private string[] _keys = [];
    private int _key;

    [GlobalSetup]
    public void Setup()
    {
        _server = BenchmarkServer.Start();
        _keys = Enumerable.Range(0, Program.KeyCount).Select(i => "key:" + i).ToArray();
        var options = new MemcachedClientOptions { ThrowOnError = true, ConnectionsPerServer = 1 };
        options.Servers.Add(_server.Address);
        _client = new MemcachedClient(options);
        var value = new byte[Program.ValueSize];
        foreach (var key in _keys)
        {
            _client.SetAsync(key, value).AsTask().GetAwaiter().GetResult();
        }
    }

    [Benchmark(Description = "client: GetItemAsync hit, 1 KB")]
    public async Task<int> GetItemHit()
    {
        var item = await _client!.GetItemAsync(_keys[_key]);
        _key = (_key + 1) % _keys.Length;
        return item.RawValue.Length;
    }

    [Benchmark(Description = "client: GetAsync<byte[]> hit, 1 KB")]
    public async Task<int> GetBytesHit()
    {
        var value = await _client!.GetAsync<byte[]>(_keys[_key]);
        _key = (_key + 1) % _keys.Length;
        return value!.Length;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client?.Dispose();
        _server?.Dispose();
    }
}
