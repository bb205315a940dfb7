using System.Security.Cryptography;
using System.Text;

namespace Alignak.Actors.Security;

/// <summary>
/// Password hashes in Werkzeug's <c>pbkdf2:sha256:&lt;iterations&gt;$&lt;salt&gt;$&lt;hex&gt;</c> form, so that
/// hashes written by the original backend keep working after a data migration.
/// </summary>
public sealed class PasswordHasher(int iterations)
{
    public const int DefaultIterations = 600_000;
    private const string SaltAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    public int Iterations { get; } = iterations > 0
        ? iterations
        : throw new ArgumentOutOfRangeException(nameof(iterations), "must be positive");

    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetString(SaltAlphabet, 16);
        return $"pbkdf2:sha256:{Iterations}${salt}${Derive(password, salt, Iterations)}";
    }

    public static bool Verify(string? stored, string password)
    {
        if (stored is null) return false;
        var parts = stored.Split('$');
        if (parts.Length != 3) return false;
        var method = parts[0].Split(':');
        if (method.Length != 3 || method[0] != "pbkdf2" || method[1] != "sha256"
            || !int.TryParse(method[2], out var iterations) || iterations <= 0)
            return false;
        var expected = Encoding.ASCII.GetBytes(parts[2]);
        var actual = Encoding.ASCII.GetBytes(Derive(password, parts[1], iterations));
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    private static string Derive(string password, string salt, int iterations) =>
        Convert.ToHexStringLower(Rfc2898DeriveBytes.Pbkdf2(
            Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(salt), iterations, HashAlgorithmName.SHA256, 32));
}

public static class Tokens
{
    /// <summary>The original's token form: milliseconds since the epoch, a dash, a random UUID.</summary>
    public static string New() => $"{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}-{Guid.NewGuid()}";
}
