using System.Globalization;
using System.Text;
using BlogSite.Models;
using BlogSite.Services;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace BlogSite.Data;

/// <summary>Creates the database on first run and fills it with a small, deterministic blog.</summary>
public static class BlogSeeder
{
    /// <summary>The password of every seeded user (the README says so).</summary>
    public const string Password = "password";

    /// <summary>The first published post's date; posts are spread over the following months.</summary>
    public static readonly DateTime FirstPost = new(2026, 1, 6, 9, 0, 0, DateTimeKind.Utc);

    private static readonly string[] TagNames =
        ["aspnetcore", "caching", "memcached", "performance", "razor", "efcore", "sqlite", "testing", "django", "devops"];

    private static readonly string[] Subjects =
    [
        "fragment caching", "a memcached cluster", "stale-while-revalidate", "cache stampedes", "Razor layouts",
        "EF Core queries", "SQLite in production", "tag invalidation", "per-user caching", "HTTP Vary headers",
        "output caching", "consistent hashing",
    ];

    private static readonly string[] Patterns =
    [
        "What I learned from {0}", "A gentle guide to {0}", "{0} in ten minutes", "Why {0} matters",
        "Debugging {0} at 2 a.m.", "Notes on {0}",
    ];

    private static readonly string[] Sentences =
    [
        "The slow part of most pages is not the template but the queries behind it.",
        "Caching a fragment means paying for the work once and serving the result many times.",
        "Memcached keeps everything in memory and forgets the oldest items first.",
        "A tag is a cheap way to invalidate many entries at once without knowing their keys.",
        "Every cache needs a plan for the moment its data changes.",
        "Measure before you cache, and measure again after.",
        "Two servers that share a cache see each other's work immediately.",
        "The hardest bug is the one that only happens when the cache is cold.",
        "Stale content for a second is often better than a slow page for everyone.",
        "Django made four levels of caching feel ordinary; ASP.NET Core deserves the same.",
        "A per-user fragment must never leak into somebody else's page.",
        "Most readers never sign in, which makes whole-page caching very effective.",
    ];

    private static readonly string[] Commenters = ["Maria", "Tom", "Priya", "Jonas", "Chen", "Fatima", "Luca", "Sam"];

    /// <summary>Creates the schema and the seed data if the database is empty.</summary>
    public static async Task EnsureSeededAsync(BlogDbContext db, CancellationToken cancellationToken = default)
    {
        await db.Database.EnsureCreatedAsync(cancellationToken);
        if (await db.Authors.AnyAsync(cancellationToken))
        {
            return;
        }

        var hasher = new PasswordHasher<Author>();
        Author[] authors =
        [
            new() { UserName = "ada", DisplayName = "Ada Lovelace", Bio = "Runs this blog and writes about caches.", IsAdmin = true },
            new() { UserName = "grace", DisplayName = "Grace Hopper", Bio = "Writes about debugging and databases." },
            new() { UserName = "alan", DisplayName = "Alan Turing", Bio = "Writes about performance." },
        ];
        foreach (var author in authors)
        {
            author.PasswordHash = hasher.HashPassword(author, Password);
        }

        var tags = TagNames.Select(n => new Tag { Name = n }).ToArray();
        var random = new Random(2026);
        var posts = new List<Post>();
        for (var i = 0; i < 36; i++)
        {
            var title = string.Format(CultureInfo.InvariantCulture, Patterns[(i + (i / Subjects.Length)) % Patterns.Length], Subjects[i % Subjects.Length]);
            title = char.ToUpperInvariant(title[0]) + title[1..];
            var published = FirstPost.AddDays(i * 8).AddHours(random.Next(0, 10));
            posts.Add(NewPost(random, authors[i % 3], title, i, published, tags));
        }

        for (var i = 0; i < 6; i++)
        {
            var title = "Draft: " + Subjects[(i * 5) % Subjects.Length] + " revisited";
            posts.Add(NewPost(random, authors[i % 3], title, 100 + i, null, tags));
        }

        // A fresh database has nothing cached that could show it.
        db.RaiseCacheTags = false;
        db.Authors.AddRange(authors);
        db.Tags.AddRange(tags);
        db.Posts.AddRange(posts);
        await db.SaveChangesAsync(cancellationToken);
        db.RaiseCacheTags = true;
    }

    /// <summary>A URL-friendly form of a title.</summary>
    public static string Slugify(string title)
    {
        var sb = new StringBuilder(title.Length);
        foreach (var c in title.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                sb.Append(c);
            }
            else if (sb.Length > 0 && sb[^1] != '-')
            {
                sb.Append('-');
            }
        }

        return sb.ToString().Trim('-');
    }

    private static Post NewPost(Random random, Author author, string title, int n, DateTime? published, Tag[] tags)
    {
        var paragraphs = new List<string>();
        for (var p = 0; p < 3 + random.Next(3); p++)
        {
            var sentences = Enumerable.Range(0, 3 + random.Next(4)).Select(_ => Sentences[random.Next(Sentences.Length)]);
            paragraphs.Add(string.Join(' ', sentences));
        }

        var created = (published ?? FirstPost.AddDays(300)).AddDays(-2);
        var post = new Post
        {
            Title = title,
            Slug = Slugify(title) + "-" + n.ToString(CultureInfo.InvariantCulture),
            Summary = Excerpt.FirstSentence(paragraphs[0]),
            Body = string.Join("\n\n", paragraphs),
            Author = author,
            CreatedAt = created,
            UpdatedAt = created,
            PublishedAt = published,
            Views = published is null ? 0 : 20 + random.Next(2000),
        };
        foreach (var tag in tags.OrderBy(_ => random.Next()).Take(2 + random.Next(2)))
        {
            post.Tags.Add(tag);
        }

        if (published is not null)
        {
            for (var c = 0; c < random.Next(5); c++)
            {
                post.Comments.Add(new Comment
                {
                    Name = Commenters[random.Next(Commenters.Length)],
                    Body = Sentences[random.Next(Sentences.Length)],
                    CreatedAt = published.Value.AddHours(5 + c * 7),
                });
            }
        }

        return post;
    }
}
