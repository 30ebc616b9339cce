using System.Globalization;
using System.Security.Claims;
using BlogSite.Data;
using BlogSite.Models;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace BlogSite.Controllers;

/// <summary>Cookie sign-in for the seeded authors.</summary>
[Route("account")]
public sealed class AccountController(BlogDbContext db) : Controller
{
    [HttpGet("login")]
    public IActionResult Login(string? returnUrl) => View(new LoginModel { ReturnUrl = returnUrl });

    [HttpPost("login")]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> Login(LoginModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var author = await db.Authors.AsNoTracking().FirstOrDefaultAsync(a => a.UserName == model.UserName, HttpContext.RequestAborted);
        if (author is null || new PasswordHasher<Author>().VerifyHashedPassword(author, author.PasswordHash, model.Password ?? "") == PasswordVerificationResult.Failed)
        {
            model.Error = "Unknown user name or wrong password.";
            return View(model);
        }

        List<Claim> claims =
        [
            new(ClaimTypes.NameIdentifier, author.Id.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, author.DisplayName),
        ];
        if (author.IsAdmin)
        {
            claims.Add(new Claim(ClaimTypes.Role, "admin"));
        }

        var identity = new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return LocalRedirect(model.ReturnUrl is { } url && Url.IsLocalUrl(url) ? url : "/");
    }

    [HttpPost("logout")]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> Logout()
    {
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return LocalRedirect("/");
    }
}

public sealed class LoginModel
{
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public string? ReturnUrl { get; set; }
    public string? Error { get; set; }
}
