using System.Globalization;
using System.Security.Claims;
using FragmentCache.Mvc.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FragmentCache.Mvc.Tests.Keys;

public sealed class VaryValuesTests
{
    [Theory]
    [InlineData("a,b")]
    [InlineData(",a,,b,")]
    [InlineData("   a,   ,   b   ")]
    public void ParseList_EmptyAndPaddedNames_Dropped(string list)
        => Assert.Equal(["a", "b"], VaryValues.ParseList(list));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" , ,")]
    public void ParseList_NothingUsable_Empty(string? list)
        => Assert.Empty(VaryValues.ParseList(list));

    [Fact]
    public void Merge_DuplicatesCaseInsensitive_KeepsFirstSpelling()
        => Assert.Equal(["Accept", "x"], VaryValues.Merge(["Accept", "x"], ["ACCEPT", "X", " "]));

    [Fact]
    public void AddHeaders_MissingHeader_DiffersFromEmptyValue()
    {
        var missing = Key(p => VaryValues.AddHeaders(p, ["X-A"], new HeaderDictionary()));
        var empty = Key(p => VaryValues.AddHeaders(p, ["X-A"], new HeaderDictionary { ["X-A"] = "" }));
        Assert.NotEqual(missing, empty);
    }

    [Fact]
    public void AddHeaders_NameCasing_SameKey()
    {
        var headers = new HeaderDictionary { ["X-A"] = "1" };
        Assert.Equal(Key(p => VaryValues.AddHeaders(p, ["x-a"], headers)), Key(p => VaryValues.AddHeaders(p, ["X-A"], headers)));
    }

    [Fact]
    public void AddHeaders_MultiValueVersusCommaJoined_Differ()
    {
        var two = Key(p => VaryValues.AddHeaders(p, ["X"], new HeaderDictionary { ["X"] = new(["a", "b"]) }));
        var joined = Key(p => VaryValues.AddHeaders(p, ["X"], new HeaderDictionary { ["X"] = "a,b" }));
        Assert.NotEqual(two, joined);
    }

    [Fact]
    public void AddQuery_NameCaseInsensitiveValueCaseSensitive()
    {
        var lower = Key(p => VaryValues.AddQuery(p, ["q"], Query("?q=a")));
        var upperName = Key(p => VaryValues.AddQuery(p, ["q"], Query("?Q=a")));
        var upperValue = Key(p => VaryValues.AddQuery(p, ["q"], Query("?q=A")));
        Assert.Equal(lower, upperName);
        Assert.NotEqual(lower, upperValue);
    }

    [Fact]
    public void AddAllQuery_KeyOrder_Ignored()
        => Assert.Equal(Key(p => VaryValues.AddAllQuery(p, Query("?a=1&b=2"))), Key(p => VaryValues.AddAllQuery(p, Query("?B=2&A=1"))));

    [Fact]
    public void AddCookies_MissingDiffersFromPresent()
    {
        var missing = Key(p => VaryValues.AddCookies(p, ["c"], new DefaultHttpContext().Request.Cookies));
        var present = Key(p => VaryValues.AddCookies(p, ["c"], new DefaultHttpContext { Request = { Headers = { Cookie = "c=1" } } }.Request.Cookies));
        var other = Key(p => VaryValues.AddCookies(p, ["c"], new DefaultHttpContext { Request = { Headers = { Cookie = "c=2" } } }.Request.Cookies));
        Assert.NotEqual(missing, present);
        Assert.NotEqual(present, other);
    }

    [Theory]
    [InlineData("Cookie", ".AspNetCore.Antiforgery.x=CfDJ8secret-token; theme=dark")]
    [InlineData("cookie", "session=CfDJ8secret-token")]
    [InlineData("Authorization", "Bearer CfDJ8secret-token")]
    [InlineData("Proxy-Authorization", "Basic CfDJ8secret-token")]
    public void AddHeaders_CredentialHeader_CanonicalKeyHoldsDigestNotValue(string header, string value)
    {
        var key = Key(p => VaryValues.AddHeaders(p, [header], new HeaderDictionary { [header] = value }));
        var other = Key(p => VaryValues.AddHeaders(p, [header], new HeaderDictionary { [header] = value + "2" }));
        Assert.DoesNotContain("secret-token", key, StringComparison.Ordinal);
        Assert.Contains(VaryValues.Secret(value), key, StringComparison.Ordinal);
        Assert.NotEqual(key, other);
        Assert.Equal(key, Key(p => VaryValues.AddHeaders(p, [header], new HeaderDictionary { [header] = value })));
    }

    [Fact]
    public void AddHeaders_OrdinaryHeader_CanonicalKeyKeepsValueReadable()
        => Assert.Contains("fr-CH", Key(p => VaryValues.AddHeaders(p, ["Accept-Language"], new HeaderDictionary { ["Accept-Language"] = "fr-CH" })), StringComparison.Ordinal);

    [Fact]
    public void AddCookies_Value_CanonicalKeyHoldsDigestNotValue()
    {
        var key = Key(p => VaryValues.AddCookies(p, ["session"], new DefaultHttpContext { Request = { Headers = { Cookie = "session=secret-token" } } }.Request.Cookies));
        var empty = Key(p => VaryValues.AddCookies(p, ["session"], new DefaultHttpContext { Request = { Headers = { Cookie = "session=" } } }.Request.Cookies));
        Assert.DoesNotContain("secret-token", key, StringComparison.Ordinal);
        Assert.Contains(VaryValues.Secret("secret-token"), key, StringComparison.Ordinal);
        Assert.NotEqual(key, empty);
    }

    [Fact]
    public void AddRoute_NumbersFormattedInvariantly_UnderGermanCulture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-CH");
            var parts = new List<object?>();
            VaryValues.AddRoute(parts, ["price"], new RouteValueDictionary { ["price"] = 1.5 });
            Assert.Equal("1.5", parts[^1]);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void AddValues_VaryOnNumbersAndDates_SameKeyUnderEveryCulture()
    {
        var previous = CultureInfo.CurrentCulture;
        object?[] values = [1.5, 1234567, new DateTime(2026, 11, 26, 9, 0, 0, DateTimeKind.Utc), true, null];
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-CH");
            var swiss = Key(p => VaryValues.AddValues(p, "on", values));
            CultureInfo.CurrentCulture = new CultureInfo("ar-SA");
            var arabic = Key(p => VaryValues.AddValues(p, "on", values));
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            var invariant = Key(p => VaryValues.AddValues(p, "on", values));
            Assert.Equal(invariant, swiss);
            Assert.Equal(invariant, arabic);
            Assert.Contains("1.5", invariant);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void AddValues_CountIsPartOfKey_ShorterListNeverMatchesLonger()
        => Assert.NotEqual(
            Key(p => { VaryValues.AddValues(p, "on", ["a"]); VaryValues.AddText(p, "by", "b"); }),
            Key(p => VaryValues.AddValues(p, "on", ["a", "by", "b"])));

    [Fact]
    public void AddCulture_NameCasing_SameKey()
        => Assert.Equal(
            Key(p => VaryValues.AddCulture(p, new CultureInfo("fr-FR"), new CultureInfo("fr-FR"))),
            Key(p => VaryValues.AddCulture(p, new CultureInfo("fr-fr"), new CultureInfo("FR-fr"))));

    [Fact]
    public void AddCulture_UiCultureAlone_ChangesKey()
        => Assert.NotEqual(
            Key(p => VaryValues.AddCulture(p, new CultureInfo("fr-FR"), new CultureInfo("fr-FR"))),
            Key(p => VaryValues.AddCulture(p, new CultureInfo("fr-FR"), new CultureInfo("en-US"))));

    [Fact]
    public void StableUserId_Anonymous_Null()
    {
        Assert.Null(VaryValues.StableUserId(null));
        Assert.Null(VaryValues.StableUserId(new ClaimsPrincipal(new ClaimsIdentity())));
    }

    [Fact]
    public void StableUserId_NullNameDifferentSub_Differ()
    {
        var a = User(new Claim("sub", "1"));
        var b = User(new Claim("sub", "2"));
        Assert.NotEqual(VaryValues.StableUserId(a), VaryValues.StableUserId(b));
        Assert.Equal("id:1", VaryValues.StableUserId(a));
    }

    [Fact]
    public void StableUserId_NameIdentifierPreferredOverSubAndName()
        => Assert.Equal("id:n", VaryValues.StableUserId(User(new Claim(ClaimTypes.Name, "x"), new Claim("sub", "s"), new Claim(ClaimTypes.NameIdentifier, "n"))));

    [Fact]
    public void StableUserId_NameOnly_UsesName()
        => Assert.Equal("name:x", VaryValues.StableUserId(User(new Claim(ClaimTypes.Name, "x"))));

    [Fact]
    public void StableUserId_NoIdClaims_NeverEmptyAndDistinct()
    {
        var a = VaryValues.StableUserId(User(new Claim("email", "a@x")));
        var b = VaryValues.StableUserId(User(new Claim("email", "b@x")));
        var none = VaryValues.StableUserId(User());
        Assert.False(string.IsNullOrEmpty(a));
        Assert.False(string.IsNullOrEmpty(none));
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void StableUserId_IdEqualToOtherUsersName_Differ()
        => Assert.NotEqual(VaryValues.StableUserId(User(new Claim("sub", "bob"))), VaryValues.StableUserId(User(new Claim(ClaimTypes.Name, "bob"))));

    [Theory]
    [InlineData("a||b", "a", "|b")]
    [InlineData("a)", "a", ")")]
    [InlineData("a=b", "a", "b")]
    [InlineData("1:x", "1", "x")]
    [InlineData("a\nb", "a", "b")]
    [InlineData("é,ü", "é", "ü")]
    public void Key_SeparatorsInValues_NeverCollide(string joined, string first, string second)
    {
        var one = Key(p => VaryValues.AddHeaders(p, ["X"], new HeaderDictionary { ["X"] = joined }));
        var two = Key(p => VaryValues.AddHeaders(p, ["X"], new HeaderDictionary { ["X"] = new([first, second]) }));
        var asNames = Key(p => VaryValues.AddHeaders(p, [first, second], new HeaderDictionary()));
        Assert.NotEqual(one, two);
        Assert.NotEqual(one, asNames);
    }

    [Fact]
    public void Key_DimensionMarkersInValues_NeverImitateAnotherDimension()
    {
        var byValue = Key(p => VaryValues.AddText(p, "by", "cookie"));
        var cookie = Key(p => VaryValues.AddCookies(p, [], new DefaultHttpContext().Request.Cookies));
        Assert.NotEqual(byValue, cookie);
    }

    [Fact]
    public void Key_UnicodeValues_StoreKeyIsWireSafe()
    {
        var key = FragmentKey.Create("frag", Parts(p => VaryValues.AddText(p, "by", "日本語 \u0000\r\n 🎉")));
        Assert.All(key.StoreKey, c => Assert.InRange(c, '!', '~'));
        Assert.True(key.StoreKey.Length <= 250);
    }

    private static ClaimsPrincipal User(params Claim[] claims) => new(new ClaimsIdentity(claims, "test"));

    private static IQueryCollection Query(string query) => new DefaultHttpContext { Request = { QueryString = new QueryString(query) } }.Request.Query;

    private static List<object?> Parts(Action<List<object?>> build)
    {
        var parts = new List<object?>();
        build(parts);
        return parts;
    }

    private static string Key(Action<List<object?>> build) => FragmentKey.Create("n", Parts(build)).Canonical;
}
