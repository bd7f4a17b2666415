using System.Globalization;
using System.Security.Cryptography;

namespace CaptureChain.Host.Web.Security;

/// <summary>
/// Password hashes for web users: PBKDF2-HMAC-SHA256 with a random 16-byte salt per user and 600,000 iterations (the
/// OWASP 2023 figure), stored as <c>pbkdf2-sha256$iterations$salt$hash</c> (base64) so the cost can be raised later
/// without invalidating existing hashes. Comparison is constant-time.
/// </summary>
public static class PasswordHashing
{
    /// <summary>Iterations for new hashes; never lower this.</summary>
    public const int Iterations = 600_000;

    /// <summary>Shortest accepted password.</summary>
    public const int MinimumLength = 12;

    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    /// <summary>A new hash of <paramref name="password"/> with a fresh salt.</summary>
    public static string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Join('$', Scheme, Iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    /// <summary>True when <paramref name="password"/> gives <paramref name="stored"/>; false for any malformed hash.</summary>
    public static bool Verify(string password, string stored)
    {
        ArgumentNullException.ThrowIfNull(password);
        var parts = (stored ?? "").Split('$');
        if (parts.Length != 4 || parts[0] != Scheme) return false;
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1) return false;
        byte[] salt, expected;
        try { salt = Convert.FromBase64String(parts[2]); expected = Convert.FromBase64String(parts[3]); }
        catch (FormatException) { return false; }
        if (expected.Length == 0) return false;
        var actual = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>
    /// Burns the time of one verification: a login for an unknown user costs the same as for a known one, so response
    /// times do not tell which names exist.
    /// </summary>
    public static void VerifyNothing(string password) =>
        _ = Rfc2898DeriveBytes.Pbkdf2(password ?? "", DummySalt, Iterations, HashAlgorithmName.SHA256, HashBytes);

    private static readonly byte[] DummySalt = RandomNumberGenerator.GetBytes(SaltBytes);

    /// <summary>Why a new password is refused (French, shown to the person), or null when it is acceptable.</summary>
    public static string? Weakness(string? password, string userName)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinimumLength)
            return $"Le mot de passe doit comporter au moins {MinimumLength} caractères.";
        if (password.Contains(userName, StringComparison.OrdinalIgnoreCase))
            return "Le mot de passe ne doit pas contenir l'identifiant.";
        if (password.Distinct().Count() < 5)
            return "Le mot de passe est trop répétitif.";
        return null;
    }
}
