using System.Text;
using CsCheck;

namespace FragmentCache.Tests.Reliability;

/// <summary>CsCheck generators of hostile strings: what a header, cookie, query or route value can carry, and worse.</summary>
internal static class HostileGen
{
    private static readonly string[] Specials =
        ["\r\n", "\r", "\n", " ", "\0", ":", "|", "~", "1:", "0:", "\t", "\x7f", "\x1b", "\uFFFD", "é", "\U0001F600", "set x 0 0 1\r\n", "mn\r\n", "\\u", "\\"];

    /// <summary>One piece: a special, any UTF-16 code unit (lone surrogates included), a control byte, or ASCII text.</summary>
    private static readonly Gen<string> Piece = Gen.Frequency<string>(
        (4, Gen.OneOf<string>(Specials)),
        (3, Gen.Char.Select(c => c.ToString())),
        (2, Gen.Int[0xD800, 0xDFFF].Select(i => ((char)i).ToString())),
        (2, Gen.Int[0, 0x1F].Select(i => ((char)i).ToString())),
        (3, Gen.Char['a', 'z'].Array[1, 6].Select(chars => new string(chars))));

    public static readonly Gen<string> Value = Piece.Array[0, 12].Select(string.Concat);

    public static readonly Gen<string> Name = Piece.Array[1, 6].Select(string.Concat).Where(s => s.Length > 0);

    private static readonly Gen<string> Huge = Gen.OneOf<string>(
        new string('x', 64 * 1024),
        string.Concat(Enumerable.Repeat("\r\n", 32 * 1024)),
        new string('\uD800', 64 * 1024),
        string.Concat(Enumerable.Repeat("é:", 32 * 1024)));

    public static Gen<object?[]> VaryList(bool allowHuge)
    {
        var value = allowHuge
            ? Gen.Frequency<object?>((30, Value.Select(s => (object?)s)), (2, Gen.Const(0).Select(_ => (object?)null)), (1, Huge.Select(s => (object?)s)))
            : Gen.Frequency<object?>((30, Value.Select(s => (object?)s)), (2, Gen.Const(0).Select(_ => (object?)null)));
        return value.Array[0, 5];
    }

    /// <summary>A list made from <paramref name="vary"/> by an edit likely to collide in a naive key.</summary>
    public static Gen<object?[]> NearMiss(object?[] vary) => Gen.Int[0, 6].Select(Gen.Int[0, 1000], (edit, at) =>
    {
        var list = vary.ToList();
        int i = list.Count == 0 ? 0 : at % list.Count;
        switch (edit)
        {
            case 0 when list.Count >= 2 && i + 1 < list.Count:
                // Join two neighbours with a separator.
                list[i] = (list[i] as string) + ":" + (list[i + 1] as string);
                list.RemoveAt(i + 1);
                break;
            case 1 when list.Count > 0 && list[i] is string s && s.Length > 1:
                // Split one value in two.
                list[i] = s[..(s.Length / 2)];
                list.Insert(i + 1, s[(s.Length / 2)..]);
                break;
            case 2 when list.Count > 0:
                list[i] = list[i] is null ? "~" : null;
                break;
            case 3 when list.Count > 0 && list[i] is string s:
                // Invalid UTF-16 becomes U+FFFD in a naive UTF-8 encoding.
                list[i] = new string([.. s.Select(c => char.IsSurrogate(c) ? '\uFFFD' : c)]) + (s.Length == 0 ? "\uD800" : "");
                break;
            case 4:
                list.Add("");
                break;
            case 5 when list.Count > 0 && list[i] is string s:
                list[i] = s.Replace("\r\n", "\n", StringComparison.Ordinal) + "\r";
                break;
            default:
                if (list.Count > 0)
                {
                    list.RemoveAt(i);
                }

                break;
        }

        return list.ToArray();
    });

    public static bool SameValues(object?[] first, object?[] second) =>
        first.Length == second.Length && first.Zip(second).All(p => Equals(p.First, p.Second));

    /// <summary>Printable rendering for failure messages: non-ASCII and control characters as \uXXXX, long strings cut.</summary>
    public static string Escape(string text)
    {
        var builder = new StringBuilder();
        foreach (char c in text.Length > 200 ? text[..200] : text)
        {
            builder.Append(c is >= ' ' and < '\x7f' ? c.ToString() : $"\\u{(int)c:X4}");
        }

        return text.Length > 200 ? builder.Append($"...({text.Length} chars)").ToString() : builder.ToString();
    }
}
