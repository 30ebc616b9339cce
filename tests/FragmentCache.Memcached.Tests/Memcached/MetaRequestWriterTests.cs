using System.Buffers;
using System.Text;
using FragmentCache.Memcached.Protocol;

namespace FragmentCache.Tests.Memcached;

public sealed class MetaRequestWriterTests
{
    private static string Write(MetaRequest request, string data = "")
    {
        var output = new ArrayBufferWriter<byte>();
        MetaRequestWriter.Write(output, request, Encoding.ASCII.GetBytes(data), 7);
        return Encoding.ASCII.GetString(output.WrittenSpan);
    }

    [Fact]
    public void Write_CommandsThatReturnAValue_AskForTheirKeyBack()
    {
        var get = MetaRequest.Create(MetaCommand.Get, "page:1");
        get.ReturnValue = true;
        Assert.Equal("mg page:1 f v k O7\r\n", Write(get));

        var counter = MetaRequest.Create(MetaCommand.Arithmetic, "hits");
        counter.Delta = 2;
        Assert.Equal("ma hits D2 v k O7\r\n", Write(counter));
    }

    [Fact]
    public void Write_CommandsThatReturnNoValue_DoNotEchoTheKey()
    {
        Assert.Equal("ms page:1 2 O7\r\nhi\r\n", Write(MetaRequest.Create(MetaCommand.Set, "page:1"), "hi"));
        Assert.Equal("md page:1 O7\r\n", Write(MetaRequest.Create(MetaCommand.Delete, "page:1")));
    }

    [Theory]
    [InlineData("VA 2 kpage:1 O7", true, true)]
    [InlineData("VA 2 kpage:2 O7", true, false)]
    [InlineData("VA 2 O7", false, false)]
    public void ParseHeader_EchoedKey_ComparedWithTheExpectedKey(string line, bool hasKey, bool matches)
    {
        var reply = MetaReplyParser.ParseHeader(Encoding.ASCII.GetBytes(line), expectedKey: "page:1");
        Assert.Equal(hasKey, reply.HasKey);
        Assert.Equal(matches, reply.KeyMatches);
    }
}
