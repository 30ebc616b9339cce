using System.Text.Json;

namespace FragmentCache;

/// <summary>The default <see cref="ICacheSerializer"/>: System.Text.Json, web defaults.</summary>
internal sealed class JsonCacheSerializer : ICacheSerializer
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public T? Deserialize<T>(ReadOnlySpan<byte> bytes) => JsonSerializer.Deserialize<T>(bytes, Options);
}
