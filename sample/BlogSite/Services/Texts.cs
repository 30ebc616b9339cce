using System.Globalization;

namespace BlogSite.Services;

/// <summary>The few UI strings of the blog in English and French (chosen by <c>Accept-Language</c>).</summary>
public static class Texts
{
    private static readonly Dictionary<string, string> French = new(StringComparer.Ordinal)
    {
        ["Latest posts"] = "Derniers articles",
        ["Popular posts"] = "Articles populaires",
        ["Tags"] = "Étiquettes",
        ["Archive"] = "Archives",
        ["About"] = "À propos",
        ["Home"] = "Accueil",
        ["Sign in"] = "Connexion",
        ["Sign out"] = "Déconnexion",
        ["Welcome back"] = "Bon retour",
        ["Your drafts"] = "Vos brouillons",
        ["No drafts."] = "Aucun brouillon.",
        ["Hello, reader"] = "Bonjour, lecteur",
        ["Sign in to see your drafts."] = "Connectez-vous pour voir vos brouillons.",
        ["Dark theme"] = "Thème sombre",
        ["Light theme"] = "Thème clair",
        ["comments"] = "commentaires",
        ["views"] = "vues",
        ["Read more"] = "Lire la suite",
        ["Older posts"] = "Articles plus anciens",
        ["Newer posts"] = "Articles plus récents",
        ["By"] = "Par",
        ["Comments"] = "Commentaires",
        ["Blog in numbers"] = "Le blog en chiffres",
        ["posts"] = "articles",
        ["words"] = "mots",
        ["Posts tagged"] = "Articles avec l'étiquette",
        ["Posts from"] = "Articles de",
        ["Signed in as"] = "Connecté en tant que",
        ["Commenting as"] = "Commentaire de",
        ["Your comment"] = "Votre commentaire",
        ["Post comment"] = "Publier le commentaire",
        ["Sign in to comment"] = "Connectez-vous pour commenter",
        ["Menu"] = "Menu",
        ["Main navigation"] = "Navigation principale",
        ["score"] = "score",
        ["Score: views + 100 per comment."] = "Score : vues + 100 par commentaire.",
        ["Page not found"] = "Page introuvable",
        ["There is no page at this address. It may have moved, or the link may be mistyped."] =
            "Il n'y a pas de page à cette adresse. Elle a peut-être été déplacée, ou le lien contient une faute.",
        ["Something went wrong"] = "Une erreur s'est produite",
        ["The server could not answer this request."] = "Le serveur n'a pas pu répondre à cette requête.",
        ["Back to the latest posts"] = "Retour aux derniers articles",
    };

    private static bool IsFrench => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "fr";

    /// <summary>The text in the current UI culture.</summary>
    public static string T(string text) => IsFrench && French.TryGetValue(text, out var fr) ? fr : text;

    /// <summary>"1 comment", "2 comments"; in French "0 commentaire", "1 commentaire", "2 commentaires".</summary>
    public static string Comments(int count) => Number(count) + " " + CommentWord(count);

    /// <summary>"comment" or "comments" as <paramref name="count"/> asks, in the current UI culture.</summary>
    public static string CommentWord(int count) => Word(count, "comment", "comments", "commentaire", "commentaires");

    /// <summary>"1 view", "2 views"; in French "0 vue", "1 vue", "2 vues".</summary>
    public static string Views(int count) => Number(count) + " " + Word(count, "view", "views", "vue", "vues");

    /// <summary>"post" or "posts" ("article", "articles") as <paramref name="count"/> asks.</summary>
    public static string PostWord(int count) => Word(count, "post", "posts", "article", "articles");

    private static string Number(int count) => count.ToString("N0", CultureInfo.CurrentCulture);

    // English takes the singular for 1 only; French for 0 and 1 (CLDR's "one" category for French is 0 <= n < 2).
    private static string Word(int count, string one, string other, string frOne, string frOther) =>
        IsFrench ? (count is 0 or 1 ? frOne : frOther) : (count == 1 ? one : other);
}
