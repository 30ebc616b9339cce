using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FragmentCache.Memcached;

namespace FragmentCache.Tests.Memcached;

public class SystemTextJsonMemcachedSerializerTests
{
    public sealed record Item(string Name, int Count);

    [Fact]
    public void Serialize_DefaultOptions_UsesWebDefaults()
    {
        var writer = new ArrayBufferWriter<byte>();
        new SystemTextJsonMemcachedSerializer().Serialize(writer, new Item("a", 2));
        Assert.Equal("""{"name":"a","count":2}""", Encoding.UTF8.GetString(writer.WrittenSpan));
    }

    [Fact]
    public void Deserialize_DefaultOptions_ReadsCaseInsensitiveAndQuotedNumbers()
    {
        Item? item = new SystemTextJsonMemcachedSerializer().Deserialize<Item>("""{"NAME":"a","count":"2"}"""u8);
        Assert.Equal(new Item("a", 2), item);
    }

    [Fact]
    public void Serialize_CustomOptions_AppliesNamingAndEncoder()
    {
        var options = new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var writer = new ArrayBufferWriter<byte>();
        new SystemTextJsonMemcachedSerializer(options).Serialize(writer, new Item("<é>", 1));
        Assert.Equal("""{"Name":"<é>","Count":1}""", Encoding.UTF8.GetString(writer.WrittenSpan));
    }

    [Fact]
    public void Serialize_IndentedOptions_AppliesIndentation()
    {
        var options = new JsonSerializerOptions { WriteIndented = true, IndentSize = 1, NewLine = "\n" };
        var writer = new ArrayBufferWriter<byte>();
        new SystemTextJsonMemcachedSerializer(options).Serialize(writer, new Item("a", 1));
        Assert.Equal("{\n \"Name\": \"a\",\n \"Count\": 1\n}", Encoding.UTF8.GetString(writer.WrittenSpan));
    }

    [Fact]
    public void Deserialize_JsonNull_ReturnsNull()
        => Assert.Null(new SystemTextJsonMemcachedSerializer().Deserialize<Item>("null"u8));
}
