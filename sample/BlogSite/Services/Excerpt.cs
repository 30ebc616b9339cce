namespace BlogSite.Services;

/// <summary>
/// The first sentence of a text, for the post list. A sentence ends at '.', '!', '?' or '…' followed by a space and
/// a word that is not in lower case, or by the end of the text. So a period inside a name or a number ("ASP.NET",
/// "Node.js", "3.5"), one followed by a lower-case word ("e.g. the", "2 a.m. on"), and one closing a known
/// abbreviation ("e.g. Django") never ends the excerpt.
/// </summary>
public static class Excerpt
{
    /// <summary>The longest excerpt, in characters, before it is cut at a word and ends with "…". The default is 240.</summary>
    public const int DefaultMaxLength = 240;

    // Abbreviations that close with a period and hardly ever end a sentence, whatever follows them.
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "e.g.", "i.e.", "cf.", "vs.", "viz.", "approx.", "incl.", "Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "No.", "Fig.",
    };

    /// <summary>The first sentence of <paramref name="text"/> (trimmed), shortened at a word to <paramref name="maxLength"/>.</summary>
    public static string FirstSentence(string text, int maxLength = DefaultMaxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        var s = text.AsSpan().Trim();
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c is not ('.' or '!' or '?' or '…'))
            {
                continue;
            }

            // Closing quotes and brackets belong to the sentence they close.
            var end = i + 1;
            while (end < s.Length && s[end] is '"' or '\'' or '”' or '’' or '»' or ')')
            {
                end++;
            }

            if (end < s.Length && !char.IsWhiteSpace(s[end]))
            {
                continue; // inside a word: "ASP.NET", "Node.js", "3.5", "e.g."
            }

            var next = end;
            while (next < s.Length && char.IsWhiteSpace(s[next]))
            {
                next++;
            }

            if (next < s.Length && char.IsLower(s[next]))
            {
                continue; // "e.g. the", "2 a.m. on a Sunday"
            }

            if (c == '.' && Abbreviations.Contains(LastWord(s[..(i + 1)]).ToString()))
            {
                continue; // "e.g. Django"
            }

            return Shorten(s[..end], maxLength);
        }

        return Shorten(s, maxLength);
    }

    private static ReadOnlySpan<char> LastWord(ReadOnlySpan<char> s)
    {
        var start = s.Length;
        while (start > 0 && !char.IsWhiteSpace(s[start - 1]) && s[start - 1] is not ('(' or '"' or '“' or '«'))
        {
            start--;
        }

        return s[start..];
    }

    private static string Shorten(ReadOnlySpan<char> s, int maxLength)
    {
        if (s.Length <= maxLength)
        {
            return s.ToString();
        }

        var cut = s[..maxLength].LastIndexOf(' ');
        return string.Concat((cut > 0 ? s[..cut] : s[..maxLength]).TrimEnd(" ,;:.-"), "…");
    }
}
