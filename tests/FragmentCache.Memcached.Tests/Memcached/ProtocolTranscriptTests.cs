using FragmentCache.Tests.Infrastructure;

namespace FragmentCache.Tests.Memcached;

/// <summary>
/// Golden transcripts of memcached 1.6.18 behaviours the client relies on (reference memcached.md §1.2-1.6).
/// Each test runs on a fresh server, so CAS values start at 1 and are exact; each batch is sent in one write and
/// ends with <c>mn</c>, so every reply (including extra ones) is captured. TTLs are read in the same batch that
/// set them.
/// </summary>
public sealed class ProtocolTranscriptTests
{
    private static readonly string Key250 = new('b', 250);
    private static readonly string Key251 = new('a', 251);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Mg_HitMissQuietOpaqueAndKey_ExactReplies()
    {
        var reply = await TranscriptAsync(
            "ms foo 2 T0 F5\r\nhi\r\n" +
            "mg foo v f\r\n" +
            "mg foo s v t\r\n" +
            "mg missing v\r\n" +
            "mg missing v q\r\n" +          // q suppresses EN ...
            "mg foo k v O123 c\r\n" +
            "mg missing v k Oab\r\n" +      // 1.6.18: EN reflects k and O
            "mg foo\r\n" +
            "mg foo q\r\n");                // ... but never a hit

        Assert.Equal(
            "HD\r\n" +
            "VA 2 f5\r\nhi\r\n" +
            "VA 2 s2 t-1\r\nhi\r\n" +
            "EN\r\n" +
            "VA 2 kfoo O123 c1\r\nhi\r\n" +
            "EN kmissing Oab\r\n" +
            "HD\r\n" +
            "HD\r\n" +
            "MN\r\n", reply);
    }

    [Fact]
    public async Task Ms_ModesCasAndQuiet_ExactReplies()
    {
        var reply = await TranscriptAsync(
            "ms k1 3 T30 F7\r\nabc\r\n" +
            "ms k1 3 T30 q\r\nxyz\r\n" +    // quiet success: no reply
            "ms k1 3 ME q\r\nabc\r\n" +     // quiet add that fails: NS is still sent
            "ms k1 3 MR c\r\nzzz\r\n" +
            "mg k1 c v\r\n" +
            "ms k1 2 C999\r\nno\r\n" +
            "ms k1 2 C3\r\nok\r\n" +
            "ms k2 1 MR\r\nx\r\n" +
            "ms k2 1 MA\r\nx\r\n" +
            "ms k1 1 MA\r\n!\r\n" +
            "ms k1 1 MP\r\n<\r\n" +
            "mg k1 v\r\n" +
            "ms k1 2 k O9 c\r\nzz\r\n");

        Assert.Equal(
            "HD\r\n" +
            "NS\r\n" +
            "HD c3\r\n" +
            "VA 3 c3\r\nzzz\r\n" +
            "EX\r\n" +
            "HD\r\n" +
            "NS\r\n" +
            "NS\r\n" +
            "HD\r\n" +
            "HD\r\n" +
            "VA 4\r\n<ok!\r\n" +
            "HD kk1 O9 c7\r\n" +
            "MN\r\n", reply);
    }

    [Fact]
    public async Task Md_QuietOpaqueAndCas_ExactReplies()
    {
        var reply = await TranscriptAsync(
            "md nokey\r\n" +
            "md nokey q\r\n" +              // q suppresses only HD: NF is sent
            "ms k1 1\r\nx\r\n" +
            "md k1 q\r\n" +
            "ms k1 1\r\nx\r\n" +
            "md k1 k O7\r\n" +
            "md k1 O8\r\n" +
            "ms k1 1\r\nx\r\n" +
            "md k1 C999\r\n");

        Assert.Equal(
            "NF\r\n" +
            "NF\r\n" +
            "HD\r\n" +
            "HD\r\n" +
            "HD kk1 O7\r\n" +
            "NF O8\r\n" +
            "HD\r\n" +
            "EX\r\n" +
            "MN\r\n", reply);
    }

    [Fact]
    public async Task Ma_CreateIncrementDecrementAndQuietQuirk_ExactReplies()
    {
        var reply = await TranscriptAsync(
            "ma cnt\r\n" +
            "ma cnt N0 J10 v\r\n" +
            "ma cnt v D5\r\n" +
            "ma cnt MD D100 v t c\r\n" +    // decrement floors at 0
            "ma cnt3 N0 J5 q O1\r\n" +      // quirk: q does not suppress the auto-create HD
            "ma cnt3 q O2\r\n" +            // plain success is suppressed
            "ma cnt3 v O3\r\n" +
            "ms txt 2\r\nhi\r\n" +
            "ma txt\r\n");

        Assert.Equal(
            "NF\r\n" +
            "VA 2\r\n10\r\n" +
            "VA 2\r\n15\r\n" +
            "VA 1 t-1 c3\r\n0\r\n" +
            "HD O1\r\n" +
            "VA 1 O3\r\n7\r\n" +
            "HD\r\n" +
            "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n" +
            "MN\r\n", reply);
    }

    [Fact]
    public async Task QuietBatch_ErrorInTheMiddle_ErrorCarriesNoOpaque()
    {
        var reply = await TranscriptAsync(
            "ms foo 2\r\nhi\r\n" +
            "mg foo v q O1\r\n" +
            $"mg {Key251} v q O2\r\n" +
            "mg nokey v q O3\r\n" +
            "mg foo v O4 k\r\n");

        // The error belongs to O2, but nothing says so: only FIFO order can attribute it.
        Assert.Equal(
            "HD\r\n" +
            "VA 2 O1\r\nhi\r\n" +
            "CLIENT_ERROR bad command line format\r\n" +
            "VA 2 O4 kfoo\r\nhi\r\n" +
            "MN\r\n", reply);
    }

    [Fact]
    public async Task Key_251Bytes_ClientErrorBadCommandLineFormatWhile250Works()
    {
        var reply = await TranscriptAsync(
            $"mg {Key251} v\r\n" +
            $"ms {Key250} 2\r\nhi\r\n" +
            $"mg {Key250} s\r\n");

        Assert.Equal(
            "CLIENT_ERROR bad command line format\r\n" +
            "HD\r\n" +
            "HD s2\r\n" +
            "MN\r\n", reply);
    }

    [Fact]
    public async Task ClassicSet_KeyTooLong_TwoRepliesForOneRequest()
    {
        // The desync trap: the data block of a rejected classic set is parsed as a command.
        var reply = await TranscriptAsync($"set {Key251} 0 0 2\r\nhi\r\n");

        Assert.Equal("CLIENT_ERROR bad command line format\r\nERROR\r\nMN\r\n", reply);
    }

    [Fact]
    public async Task ClassicSet_NulInKey_TwoErrors()
    {
        var reply = await TranscriptAsync("set nul\0key 0 0 1\r\nz\r\n");

        Assert.Equal("ERROR\r\nERROR\r\nMN\r\n", reply);
    }

    [Fact]
    public async Task Ms_InvalidFlag_SwallowsDataWithOneError()
    {
        var reply = await TranscriptAsync("ms foo 2 E5\r\nhi\r\n");

        Assert.Equal("CLIENT_ERROR invalid flag\r\nMN\r\n", reply);
    }

    [Fact]
    public async Task Ms_ObsoleteWikiSyntax_TwoRepliesForOneRequest()
    {
        var reply = await TranscriptAsync("ms x S3 T60\r\nabc\r\n");

        Assert.Equal("CLIENT_ERROR bad command line format\r\nERROR\r\nMN\r\n", reply);
    }

    [Fact]
    public async Task Opaque_31And32Characters_EchoedThenRejected()
    {
        var ok = new string('a', 31);
        var tooLong = new string('b', 32);

        // This batch has an MN of its own, so the read ends at a reply no other line can end with.
        await using var server = await MemcachedProcess.StartAsync(cancellationToken: Token);
        var reply = await server.RawAsync($"mn O{ok}\r\nmg foo O{ok}\r\nmg foo O{tooLong}\r\nversion\r\n", "VERSION 1.6.18\r\n", Token);

        // mn ignores its flags: no opaque on MN.
        Assert.Equal($"MN\r\nEN O{ok}\r\nCLIENT_ERROR opaque token too long\r\nVERSION 1.6.18\r\n", reply);
    }

    [Fact]
    public async Task Mg_VivifyOnMiss_WinnerGetsWOthersZAndCasGatesTheWrite()
    {
        var reply = await TranscriptAsync(
            "mg page1 v c t N30\r\n" +      // t before N: reports the old TTL (-1)
            "mg page1 v c t N30\r\n" +
            "ms page1 4 C9999\r\nhtml\r\n" +
            "ms page1 4 C1 T100\r\nhtml\r\n" +
            "mg page1 v c t\r\n" +
            "mg page2 N30 t v c\r\n");      // N before t: reports the stub's TTL

        Assert.Equal(
            "VA 0 c1 t-1 W\r\n\r\n" +
            "VA 0 c1 t30 Z\r\n\r\n" +
            "EX\r\n" +
            "HD\r\n" +
            "VA 4 c2 t100\r\nhtml\r\n" +
            "VA 0 t30 c3 W\r\n\r\n" +
            "MN\r\n", reply);
    }

    [Fact]
    public async Task Mg_RecacheWindow_FirstReaderGetsWThenZ()
    {
        var reply = await TranscriptAsync(
            "ms page1 4 T100\r\nhtml\r\n" +
            "mg page1 v c t R200\r\n" +
            "mg page1 v c t R200\r\n" +
            "mg page1 v c t R50\r\n");

        Assert.Equal(
            "HD\r\n" +
            "VA 4 c1 t100 W\r\nhtml\r\n" +
            "VA 4 c1 t100 Z\r\nhtml\r\n" +
            "VA 4 c1 t100 Z\r\nhtml\r\n" +
            "MN\r\n", reply);
    }

    [Fact]
    public async Task Md_Invalidate_StaleServedWithXAndOneW()
    {
        var reply = await TranscriptAsync(
            "ms sw 4 T300\r\nold1\r\n" +
            "md sw I T30\r\n" +
            "mg sw c t v\r\n" +
            "mg sw c t v\r\n" +
            "ms sw 4 C1 I T300\r\nnew1\r\n" +  // older CAS + I: stored but still stale
            "mg sw c t v\r\n" +
            "ms sw 4 C3 T300\r\nnew2\r\n" +    // current CAS: clears stale, TTL updated
            "mg sw c t v\r\n" +
            "md sw C1\r\n" +
            "md sw q C4\r\n" +
            "mg sw v\r\n");

        Assert.Equal(
            "HD\r\n" +
            "HD\r\n" +
            "VA 4 c2 t30 X W\r\nold1\r\n" +
            "VA 4 c2 t30 Z X\r\nold1\r\n" +
            "HD\r\n" +
            "VA 4 c3 t30 Z X\r\nnew1\r\n" +
            "HD\r\n" +
            "VA 4 c4 t300\r\nnew2\r\n" +
            "EX\r\n" +
            "EN\r\n" +
            "MN\r\n", reply);
    }

    [Fact]
    public async Task Set_LargerThanMaxItemSize_ErrorAndOldValueDeleted()
    {
        var big = new string('x', 1024 * 1024 + 1);

        var reply = await TranscriptAsync(
            "set big 0 0 5\r\nsmall\r\n" +
            $"set big 0 0 {big.Length}\r\n{big}\r\n" +
            "get big\r\n" +
            "ms big2 5\r\nsmall\r\n" +
            $"ms big2 {big.Length} T0\r\n{big}\r\n" +
            "mg big2 v\r\n");

        Assert.Equal(
            "STORED\r\n" +
            "SERVER_ERROR object too large for cache\r\n" +
            "END\r\n" +
            "HD\r\n" +
            "SERVER_ERROR object too large for cache\r\n" +
            "EN\r\n" +
            "MN\r\n", reply);
    }

    [Fact]
    public async Task ClassicCommands_SetGetGetsTouch_ExactReplies()
    {
        var reply = await TranscriptAsync(
            "set foo 5 60 2\r\nhi\r\n" +
            "get foo\r\n" +
            "gets foo\r\n" +
            "touch foo 50\r\n" +
            "touch nokey 5\r\n" +
            "add foo 0 0 1\r\nx\r\n" +
            "delete nokey\r\n");

        Assert.Equal(
            "STORED\r\n" +
            "VALUE foo 5 2\r\nhi\r\nEND\r\n" +
            "VALUE foo 5 2 1\r\nhi\r\nEND\r\n" +
            "TOUCHED\r\n" +
            "NOT_FOUND\r\n" +
            "NOT_STORED\r\n" +
            "NOT_FOUND\r\n" +
            "MN\r\n", reply);
    }

    /// <summary>Runs <paramref name="batch"/> + <c>mn</c> on a fresh server and returns every reply up to <c>MN</c>.</summary>
    private static async Task<string> TranscriptAsync(string batch)
    {
        await using var server = await MemcachedProcess.StartAsync(cancellationToken: Token);
        return await server.RawAsync(batch + "mn\r\n", "MN\r\n", Token);
    }
}
