using System.Globalization;
using BlogSite.Data;
using BlogSite.Models;
using BlogSite.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlogSite.Tests.Reliability;

/// <summary>Readers beyond the three seeded authors, added to a site's database, and their sign-in.</summary>
public static class SiteUsers
{
    /// <summary>The display name of reader <paramref name="index"/>: "Reader 07" (no name contains another's).</summary>
    public static string DisplayName(int index) => "Reader " + index.ToString("D2", CultureInfo.InvariantCulture);

    /// <summary>The user name of reader <paramref name="index"/>.</summary>
    public static string UserName(int index) => "reader" + index.ToString("D2", CultureInfo.InvariantCulture);

    /// <summary>Adds readers 1..<paramref name="count"/> (password <c>password</c>) unless they exist.</summary>
    public static async Task AddReadersAsync(BlogSiteFactory site, int count, CancellationToken cancellationToken)
    {
        await using var scope = site.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BlogDbContext>();
        if (await db.Authors.AnyAsync(a => a.UserName == UserName(1), cancellationToken))
        {
            return;
        }

        // One hash for all: the default hasher's salt makes each hash different but any of them verifies, and
        // 50 PBKDF2 runs would cost seconds of the two shared cores.
        var hash = new PasswordHasher<Author>().HashPassword(null!, BlogSeeder.Password);
        for (var i = 1; i <= count; i++)
        {
            db.Authors.Add(new Author { UserName = UserName(i), DisplayName = DisplayName(i), PasswordHash = hash });
        }

        db.RaiseCacheTags = false;
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>A client signed in as <paramref name="userName"/> through the real form (or anonymous when null).</summary>
    public static async Task<HttpClient> ClientAsync(BlogSiteFactory site, string? userName)
    {
        var client = site.CreateBrowserlessClient();
        client.Timeout = SiteLoad.RequestTimeout + TimeSpan.FromSeconds(5);
        if (userName is not null)
        {
            await client.SignInAsync(userName);
        }

        return client;
    }
}
