using System.Text;
using FragmentCache.Mvc.Holes;

namespace FragmentCache.Mvc.Tests.Holes;

/// <summary>
/// The hole table: every argument type round-trips with its exact type and value; anything malformed (cut short, any
/// byte changed, offsets past the markup or going back, an enum type that no longer exists) is "no table", never an exception.
/// </summary>
public sealed class HoleTableTests
{
    public enum Wide : long
    {
        Low = long.MinValue,
        High = long.MaxValue,
    }

    public static TheoryData<object?> Values() => new()
    {
        null!, "", "héllo \0 <fragment-hole component=\"X\" /> 清", true, false, 'é', (byte)255, (sbyte)-128, (short)-32768, (ushort)65535,
        int.MinValue, uint.MaxValue, long.MinValue, ulong.MaxValue, 1.5f, float.NegativeInfinity, -2.25d, double.MaxValue,
        1.2345678901234567890123456789m, -79228162514264337593543950335m, 0.000m,
        Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
        new DateTime(2026, 12, 3, 12, 30, 0, DateTimeKind.Utc), new DateTime(2026, 12, 3, 12, 30, 0, DateTimeKind.Unspecified),
        new DateTimeOffset(2026, 12, 3, 12, 30, 15, TimeSpan.FromHours(5.5)), new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(-8)),
        TimeSpan.FromTicks(-1), DayOfWeek.Friday, Wide.Low, Wide.High, (AttributeTargets)12345,
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void Encode_ThenDecode_EveryArgumentTypeRoundTrips(object? value)
    {
        var hole = new Hole(HoleKind.ViewComponent, "UserMenu", [new HoleArgument("value", value)]);

        Assert.True(HoleTable.TryDecode(HoleTable.Encode([new PlacedHole(0, hole)]), 0, out var decoded));

        var argument = Assert.Single(Assert.Single(decoded).Hole.Arguments);
        Assert.Equal("value", argument.Name);
        Assert.Equal(value?.GetType(), argument.Value?.GetType());
        Assert.Equal(value, argument.Value);
        if (value is DateTimeOffset offset)
        {
            Assert.Equal(offset.Offset, ((DateTimeOffset)argument.Value!).Offset);
        }

        if (value is DateTime time)
        {
            Assert.Equal(time.Kind, ((DateTime)argument.Value!).Kind);
        }

        if (value is decimal number)
        {
            Assert.Equal(number.Scale, ((decimal)argument.Value!).Scale);
        }
    }

    [Fact]
    public void Encode_ThenDecode_SeveralHolesKeepOffsetsKindsAndArgumentOrder()
    {
        PlacedHole[] holes =
        [
            new(0, new Hole(HoleKind.ViewComponent, "UserMenu", [])),
            new(0, new Hole(HoleKind.ViewComponent, "Cart", [new("b", 2), new("a", "x")])),
            new(17, new Hole(HoleKind.RazorComponent, "App.Components.Greeting, App", [new("Name", "é")])),
        ];

        Assert.True(HoleTable.TryDecode(HoleTable.Encode(holes), 17, out var decoded));

        Assert.Equal(3, decoded.Length);
        for (var i = 0; i < holes.Length; i++)
        {
            Assert.Equal(holes[i].Offset, decoded[i].Offset);
            Assert.Equal(holes[i].Hole.Kind, decoded[i].Hole.Kind);
            Assert.Equal(holes[i].Hole.Component, decoded[i].Hole.Component);
            Assert.Equal(holes[i].Hole.Arguments, decoded[i].Hole.Arguments);
        }
    }

    [Fact]
    public void Encode_NoHoles_IsEmptyAndDecodesToNone()
    {
        Assert.Empty(HoleTable.Encode([]));
        Assert.True(HoleTable.TryDecode([], 0, out var decoded));
        Assert.Empty(decoded);
    }

    [Fact]
    public void TryDecode_OffsetBeyondTheMarkup_Rejected()
    {
        var table = HoleTable.Encode([new PlacedHole(10, new Hole(HoleKind.ViewComponent, "UserMenu", []))]);

        Assert.True(HoleTable.TryDecode(table, 10, out _));
        Assert.False(HoleTable.TryDecode(table, 9, out var none));
        Assert.Empty(none);
        Assert.False(HoleTable.TryDecode(table, 0, out _));
    }

    [Fact]
    public void TryDecode_OffsetsGoingBack_Rejected()
    {
        var table = HoleTable.Encode([new PlacedHole(5, new Hole(HoleKind.ViewComponent, "A", [])), new PlacedHole(4, new Hole(HoleKind.ViewComponent, "B", []))]);

        Assert.False(HoleTable.TryDecode(table, 10, out _));
    }

    [Fact]
    public void TryDecode_EnumTypeNoLongerExists_Rejected()
    {
        var table = HoleTable.Encode([new PlacedHole(0, new Hole(HoleKind.ViewComponent, "A", [new("day", DayOfWeek.Friday)]))]);
        var name = Encoding.UTF8.GetBytes("System.DayOfWeek");
        var at = table.AsSpan().IndexOf(name);
        Assert.True(at > 0);
        table[at + name.Length - 1] = (byte)'X'; // System.DayOfWeeX: a type this build does not have

        Assert.False(HoleTable.TryDecode(table, 0, out var none));
        Assert.Empty(none);
    }

    [Theory]
    [InlineData(new byte[] { 2, 0, 0 })]
    [InlineData(new byte[] { 0 })]
    [InlineData(new byte[] { 1 })]
    [InlineData(new byte[] { 1, 0, 1, 0, 0, 0, 0, 2, 0, 1, (byte)'A', 0 })]
    [InlineData(new byte[] { 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0xC3, 0 })]
    [InlineData(new byte[] { 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, (byte)'A', 1, 0, 1, (byte)'a', 99 })]
    [InlineData(new byte[] { 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, (byte)'A', 1, 0, 1, (byte)'a', 2, 2 })]
    [InlineData(new byte[] { 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, (byte)'A', 1, 0, 1, (byte)'a', 1, 0xFF, 0xFF, 0xFF, 0xFF })]
    [InlineData(new byte[] { 1, 0, 0, 7 })]
    public void TryDecode_Malformed_Rejected(byte[] table)
    {
        Assert.False(HoleTable.TryDecode(table, 100, out var none));
        Assert.Empty(none);
    }

    [Fact]
    public void TryDecode_EveryTruncationAndEveryChangedByte_NeverThrows()
    {
        var arguments = new List<HoleArgument>();
        foreach (var row in Values())
        {
            arguments.Add(new HoleArgument("a" + arguments.Count, row.Data));
        }

        var table = HoleTable.Encode(
        [
            new PlacedHole(3, new Hole(HoleKind.ViewComponent, "UserMenu", [.. arguments])),
            new PlacedHole(8, new Hole(HoleKind.RazorComponent, "Comp, App", [new("x", 1)])),
        ]);

        // An empty table is "no holes"; every other cut is rejected.
        for (var length = 1; length < table.Length; length++)
        {
            Assert.False(HoleTable.TryDecode(table.AsSpan(0, length), 8, out _), $"cut at {length}");
        }

        var changed = table.ToArray();
        foreach (var replacement in new byte[] { 0x00, 0x01, 0x7F, 0x80, 0xFF })
        {
            for (var i = 0; i < changed.Length; i++)
            {
                var original = changed[i];
                changed[i] = original == replacement ? (byte)~replacement : replacement;
                var ok = HoleTable.TryDecode(changed, 8, out var decoded); // must return, not throw
                Assert.True(ok || decoded.Length == 0);
                changed[i] = original;
            }
        }

        for (var i = 0; i < changed.Length; i++)
        {
            changed[i] ^= 0xFF;
            var ok = HoleTable.TryDecode(changed, 8, out var decoded);
            Assert.True(ok || decoded.Length == 0);
            changed[i] ^= 0xFF;
        }
    }

    [Fact]
    public void Encode_ArgumentOfAnotherType_ThrowsNamingTheHole()
    {
        var hole = new Hole(HoleKind.ViewComponent, "UserMenu", [new("when", new Uri("http://x"))]);

        var error = Assert.Throws<InvalidOperationException>(() => HoleTable.Encode([new PlacedHole(0, hole)]));

        Assert.Contains("<fragment-hole component=\"UserMenu\">", error.Message);
    }
}
