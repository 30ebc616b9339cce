using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace FragmentCache.Mvc.TestApp.Services;

/// <summary>Signs a request in from test headers: <c>X-Test-User</c> (NameIdentifier), <c>X-Test-Name</c> (name) and <c>X-Test-Tenant</c> (a <c>tenant</c> claim).</summary>
public sealed class HeaderAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "TestHeader";

    /// <inheritdoc/>
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var id = Request.Headers["X-Test-User"].ToString();
        var name = Request.Headers["X-Test-Name"].ToString();
        if (id.Length == 0 && name.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var claims = new List<Claim>();
        if (id.Length > 0)
        {
            claims.Add(new Claim(ClaimTypes.NameIdentifier, id));
        }

        if (name.Length > 0)
        {
            claims.Add(new Claim(ClaimTypes.Name, name));
        }

        if (Request.Headers["X-Test-Tenant"].ToString() is { Length: > 0 } tenant)
        {
            claims.Add(new Claim("tenant", tenant));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
