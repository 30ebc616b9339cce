using System.Globalization;
using BlogSite.Services;

namespace BlogSite.Tests.Services;

/// <summary>Counted words in English and French: French takes the singular for 0 and 1.</summary>
public sealed class TextsTests
{
    [Theory]
    [InlineData("en", 0, "0 comments")]
    [InlineData("en", 1, "1 comment")]
    [InlineData("en", 2, "2 comments")]
    [InlineData("fr", 0, "0 commentaire")]
    [InlineData("fr", 1, "1 commentaire")]
    [InlineData("fr", 2, "2 commentaires")]
    public void Comments_Count_AgreesWithTheNumber(string culture, int count, string expected) =>
        Assert.Equal(expected, InCulture(culture, () => Texts.Comments(count)));

    [Theory]
    [InlineData("en", 1, "1 view")]
    [InlineData("en", 1234, "1,234 views")]
    [InlineData("fr", 1, "1 vue")]
    [InlineData("fr", 0, "0 vue")]
    [InlineData("fr", 3, "3 vues")]
    public void Views_Count_AgreesWithTheNumber(string culture, int count, string expected) =>
        Assert.Equal(expected, InCulture(culture, () => Texts.Views(count)));

    [Theory]
    [InlineData("en", 1, "post")]
    [InlineData("en", 36, "posts")]
    [InlineData("fr", 1, "article")]
    [InlineData("fr", 36, "articles")]
    public void PostWord_Count_AgreesWithTheNumber(string culture, int count, string expected) =>
        Assert.Equal(expected, InCulture(culture, () => Texts.PostWord(count)));

    private static string InCulture(string name, Func<string> text)
    {
        var (culture, ui) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(name);
            return text();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, ui);
        }
    }
}
