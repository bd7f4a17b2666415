using System.Security.Claims;
using CaptureChain.Filing.Store;

namespace CaptureChain.Host.Web.Security;

/// <summary>Authorization policies of the web UI and the claims a session carries.</summary>
public static class WebRoles
{
    /// <summary>Batches, dashboard, metrics: operators and admins.</summary>
    public const string OperatorPolicy = "capturechain_operator";

    /// <summary>Review queue and actions, registry search: reviewers and admins.</summary>
    public const string ReviewerPolicy = "capturechain_reviewer";

    /// <summary>Users and configuration: admins only.</summary>
    public const string AdminPolicy = "capturechain_admin";

    /// <summary>Claim holding the user's security stamp at login (a changed stamp ends the session).</summary>
    public const string StampClaim = "capturechain:stamp";

    /// <summary>Claim holding the login time (Unix seconds), for the absolute session lifetime.</summary>
    public const string IssuedClaim = "capturechain:issued";

    /// <summary>The roles a policy admits.</summary>
    public static string[] RolesOf(string policy) => policy switch
    {
        OperatorPolicy => [UserRole.Operator.ToName(), UserRole.Admin.ToName()],
        ReviewerPolicy => [UserRole.Reviewer.ToName(), UserRole.Admin.ToName()],
        AdminPolicy => [UserRole.Admin.ToName()],
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, null),
    };

    /// <summary>The signed-in user's name (never null behind an authorization policy).</summary>
    public static string UserName(this ClaimsPrincipal user) => user.Identity?.Name ?? throw new InvalidOperationException("No signed-in user.");

    /// <summary>The page a user lands on after login.</summary>
    public static string HomeOf(ClaimsPrincipal user) =>
        user.IsInRole(UserRole.Reviewer.ToName()) || user.IsInRole(UserRole.Admin.ToName()) ? "/review" : "/batches";
}
