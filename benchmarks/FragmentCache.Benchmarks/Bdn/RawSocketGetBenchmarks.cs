using BenchmarkDotNet.Attributes;
using FragmentCache.Benchmarks.Raw;

namespace FragmentCache.Benchmarks.Bdn;

/// <summary>
/// Proves the BenchmarkDotNet wiring: one raw-socket <c>mg key:N v</c> round trip (1 KB value) against the
/// benchmark's own memcached. Client benchmarks join this folder when the client lands.
/// </summary>
[MemoryDiagnoser]
public class RawSocketGetBenchmarks
{
    private BenchmarkServer? _server;
    private MgConnection? _connection;
    private int _key;

    [GlobalSetup]
    public void Setup()
    {
        _server = BenchmarkServer.Start();
        _server.Preload(Program.KeyCount, Program.ValueSize);
        _connection = MgConnection.Connect(_server.EndPoint, Program.KeyCount, Program.ValueSize);
    }

    [Benchmark(Description = "raw socket: 1 get (mg key:N v), 1 KB")]
    public void SingleGet()
    {
        _connection!.Get(_key);
        _key = (_key + 1) % Program.KeyCount;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _connection?.Dispose();
        _server?.Dispose();
    }
}
