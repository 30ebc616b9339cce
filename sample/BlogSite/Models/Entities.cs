namespace BlogSite.Models;

/// <summary>Someone who writes posts; each author can sign in.</summary>
public sealed class Author
{
    public int Id { get; set; }
    public required string UserName { get; set; }
    public required string DisplayName { get; set; }
    public string Bio { get; set; } = "";
    public string PasswordHash { get; set; } = "";
    public bool IsAdmin { get; set; }
    public List<Post> Posts { get; } = [];
}

/// <summary>A blog post; a draft until <see cref="PublishedAt"/> is set.</summary>
public sealed class Post
{
    public int Id { get; set; }
    public required string Title { get; set; }
    public required string Slug { get; set; }
    public string Summary { get; set; } = "";
    public string Body { get; set; } = "";
    public int AuthorId { get; set; }
    public Author? Author { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? PublishedAt { get; set; }
    public int Views { get; set; }
    public List<Tag> Tags { get; } = [];
    public List<Comment> Comments { get; } = [];

    public bool IsPublished => PublishedAt is not null;
}

/// <summary>A topic; posts have several.</summary>
public sealed class Tag
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public List<Post> Posts { get; } = [];
}

/// <summary>A reader's comment under a post.</summary>
public sealed class Comment
{
    public int Id { get; set; }
    public int PostId { get; set; }
    public Post? Post { get; set; }
    public required string Name { get; set; }
    public required string Body { get; set; }
    public DateTime CreatedAt { get; set; }
}
