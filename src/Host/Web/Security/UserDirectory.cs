using System.Security.Cryptography;
using System.Text.RegularExpressions;
using CaptureChain.Filing.Store;

namespace CaptureChain.Host.Web.Security;

/// <summary>Outcome of a change to the users: done, or refused with a reason code and a French message.</summary>
public sealed record UserChange(bool Done, string? Code = null, string? Message = null)
{
    /// <summary>Success.</summary>
    public static UserChange Ok { get; } = new(true);

    /// <summary>Refused.</summary>
    public static UserChange Refused(string code, string message) => new(false, code, message);
}

/// <summary>
/// The web users kept in the capture store: names are lower-case <c>[a-z0-9._-]</c>, passwords hashed with
/// <see cref="PasswordHashing"/>, and every change of password, role or state renews the security stamp so that open
/// sessions of that user end at their next request. The last enabled admin can be neither removed nor demoted.
/// </summary>
public sealed partial class UserDirectory(ICaptureStore store)
{
    /// <summary>True when <paramref name="name"/> is an acceptable user name.</summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>Creates a user.</summary>
    public async Task<UserChange> AddAsync(string name, UserRole role, string password, CancellationToken ct)
    {
        if (!IsValidName(name)) return UserChange.Refused("invalid_name", "Identifiant invalide : 2 à 64 caractères parmi a-z, 0-9, « . », « _ » et « - ».");
        if (PasswordHashing.Weakness(password, name) is { } weakness) return UserChange.Refused("weak_password", weakness);
        var added = await store.AddUserAsync(new UserAccount(name, role, PasswordHashing.Hash(password), NewStamp(), Disabled: false), ct);
        return added ? UserChange.Ok : UserChange.Refused("user_exists", $"L'utilisateur « {name} » existe déjà.");
    }

    /// <summary>Sets a new password.</summary>
    public async Task<UserChange> SetPasswordAsync(string name, string password, CancellationToken ct)
    {
        var user = await store.FindUserAsync(name, ct);
        if (user is null) return NotFound(name);
        if (PasswordHashing.Weakness(password, name) is { } weakness) return UserChange.Refused("weak_password", weakness);
        await store.UpdateUserAsync(user with { PasswordHash = PasswordHashing.Hash(password), SecurityStamp = NewStamp() }, ct);
        return UserChange.Ok;
    }

    /// <summary>Changes the role and/or the disabled flag.</summary>
    public async Task<UserChange> UpdateAsync(string name, UserRole? role, bool? disabled, CancellationToken ct)
    {
        var user = await store.FindUserAsync(name, ct);
        if (user is null) return NotFound(name);
        var updated = user with { Role = role ?? user.Role, Disabled = disabled ?? user.Disabled };
        if (updated == user) return UserChange.Ok;
        if (user is { Role: UserRole.Admin, Disabled: false } && (updated.Role != UserRole.Admin || updated.Disabled) && await IsLastAdminAsync(ct))
            return UserChange.Refused("last_admin", "C'est le dernier administrateur actif : créez-en un autre d'abord.");
        await store.UpdateUserAsync(updated with { SecurityStamp = NewStamp() }, ct);
        return UserChange.Ok;
    }

    /// <summary>Deletes a user.</summary>
    public async Task<UserChange> RemoveAsync(string name, CancellationToken ct)
    {
        var user = await store.FindUserAsync(name, ct);
        if (user is null) return NotFound(name);
        if (user is { Role: UserRole.Admin, Disabled: false } && await IsLastAdminAsync(ct))
            return UserChange.Refused("last_admin", "C'est le dernier administrateur actif : créez-en un autre d'abord.");
        await store.DeleteUserAsync(name, ct);
        return UserChange.Ok;
    }

    /// <summary>The enabled user whose password is <paramref name="password"/>, or null (same cost whether the name exists or not).</summary>
    public async Task<UserAccount?> AuthenticateAsync(string name, string password, CancellationToken ct)
    {
        var user = IsValidName(name) ? await store.FindUserAsync(name, ct) : null;
        if (user is null)
        {
            PasswordHashing.VerifyNothing(password);
            return null;
        }
        return PasswordHashing.Verify(password, user.PasswordHash) && !user.Disabled ? user : null;
    }

    private async Task<bool> IsLastAdminAsync(CancellationToken ct) =>
        (await store.ListUsersAsync(ct)).Count(u => u is { Role: UserRole.Admin, Disabled: false }) <= 1;

    private static UserChange NotFound(string name) => UserChange.Refused("user_not_found", $"Pas d'utilisateur « {name} ».");

    private static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{1,63}$")]
    private static partial Regex NamePattern();
}
