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
    };

    /// <summary>The text in the current UI culture.</summary>
    public static string T(string text) =>
        CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "fr" && French.TryGetValue(text, out var fr) ? fr : text;
}
