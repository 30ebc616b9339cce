using BlogSite.Models;
using Microsoft.EntityFrameworkCore;

namespace BlogSite.Data;

/// <summary>The blog's SQLite database.</summary>
public sealed class BlogDbContext(DbContextOptions<BlogDbContext> options) : DbContext(options)
{
    public DbSet<Author> Authors => Set<Author>();
    public DbSet<Post> Posts => Set<Post>();
    public DbSet<Tag> Tags => Set<Tag>();
    public DbSet<Comment> Comments => Set<Comment>();

    /// <summary>Whether a save raises cache tags (see <c>PostSaveInterceptor</c>). The default is <see langword="true"/>; seeding turns it off.</summary>
    public bool RaiseCacheTags { get; set; } = true;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Author>().HasIndex(a => a.UserName).IsUnique();
        modelBuilder.Entity<Post>().HasIndex(p => p.Slug).IsUnique();
        modelBuilder.Entity<Post>().HasIndex(p => p.PublishedAt);
        modelBuilder.Entity<Tag>().HasIndex(t => t.Name).IsUnique();
        modelBuilder.Entity<Post>().HasMany(p => p.Tags).WithMany(t => t.Posts);
    }
}
