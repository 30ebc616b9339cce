using System.Buffers;
using System.Text.Json;

namespace FragmentCache.Memcached;

/// <summary>
/// An <see cref="IMemcachedSerializer"/> that stores values as UTF-8 JSON with System.Text.Json.
/// </summary>
public sealed class SystemTextJsonMemcachedSerializer : IMemcachedSerializer
{
    private static readonly JsonSerializerOptions DefaultOptions = new(JsonSerializerDefaults.Web);

    private readonly JsonSerializerOptions _options;
    private readonly JsonWriterOptions _writerOptions;

    /// <summary>
    /// Creates a serializer.
    /// </summary>
    /// <param name="options">
    /// The JSON options. The default (<see langword="null"/>) is <see cref="JsonSerializerDefaults.Web"/>
    /// (camelCase names, case-insensitive reading, numbers allowed as strings).
    /// </param>
    public SystemTextJsonMemcachedSerializer(JsonSerializerOptions? options = null)
    {
        _options = options ?? DefaultOptions;

        // A Utf8JsonWriter ignores the serializer options' output settings, so carry them over.
        _writerOptions = new JsonWriterOptions
        {
            Encoder = _options.Encoder,
            Indented = _options.WriteIndented,
            IndentCharacter = _options.IndentCharacter,
            IndentSize = _options.IndentSize,
            NewLine = _options.NewLine,
            MaxDepth = _options.MaxDepth,
        };
    }

    /// <inheritdoc/>
    public void Serialize<T>(IBufferWriter<byte> writer, T value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        using var json = new Utf8JsonWriter(writer, _writerOptions);
        JsonSerializer.Serialize(json, value, _options);
    }

    /// <inheritdoc/>
    public T? Deserialize<T>(ReadOnlySpan<byte> data) => JsonSerializer.Deserialize<T>(data, _options);
}
