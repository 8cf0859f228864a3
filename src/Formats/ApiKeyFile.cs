using System.Security.Cryptography;
using System.Text;

namespace PriceIngest.Formats;

/// <summary>One line of an API keys file: a key's name, its role, and the SHA-256 of the key (never the key).</summary>
public sealed record ApiKeyEntry(string Name, ApiRole Role, byte[] Hash);

/// <summary>
/// The API keys file: one key per line as <c>name,role,sha256-hex-of-key</c>; <c>#</c> starts a
/// comment, blank lines are skipped. Keys are minted here (for <c>priceingest keys new</c>) and hashed
/// here (for the server), so both sides agree on the rule.
/// </summary>
public static class ApiKeyFile
{
    /// <summary>Every minted key starts so, which makes a leaked key easy to grep for.</summary>
    public const string KeyPrefix = "pik_";

    private const int KeyBytes = 32;

    /// <summary>A new random key (256 bits, base64url) and its line for the keys file.</summary>
    public static (string Key, string Line) Mint(string name, ApiRole role)
    {
        CheckName(name);
        var key = KeyPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (key, $"{name},{RoleName(role)},{Convert.ToHexStringLower(Hash(key))}");
    }

    /// <summary>The SHA-256 of the key's UTF-8 bytes: what the file stores and what a presented key is compared by.</summary>
    public static byte[] Hash(ReadOnlySpan<char> key)
    {
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(Math.Min(key.Length, 256))];
        return key.Length <= 256
            ? SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(key, utf8)])
            : SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString()));
    }

    public static string RoleName(ApiRole role) => role.ToString().ToLowerInvariant();

    public static bool TryParseRole(string text, out ApiRole role)
    {
        role = default;
        return text is "read" or "ingest" or "admin" && Enum.TryParse(text, ignoreCase: true, out role);
    }

    /// <summary>Parses a whole file; throws <see cref="FormatException"/> naming every bad line.</summary>
    public static List<ApiKeyEntry> Parse(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var entries = new List<ApiKeyEntry>();
        var errors = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in lines)
        {
            number++;
            var line = raw.Split('#', 2)[0].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var fields = line.Split(',');
            if (fields.Length != 3)
            {
                errors.Add($"line {number}: expected name,role,sha256-hex-of-key, found {fields.Length} field(s)");
                continue;
            }

            var (name, roleText, hashText) = (fields[0].Trim(), fields[1].Trim(), fields[2].Trim().ToLowerInvariant());
            if (!IsName(name))
            {
                errors.Add($"line {number}: name '{name}' must be 1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-'");
            }
            else if (!names.Add(name))
            {
                errors.Add($"line {number}: name '{name}' appears twice");
            }

            if (!TryParseRole(roleText, out var role))
            {
                errors.Add($"line {number}: role '{roleText}' must be read, ingest or admin");
            }

            if (hashText.Length != 64 || !hashText.All(char.IsAsciiHexDigitLower))
            {
                // Most likely the key itself was pasted: say so without echoing it.
                errors.Add($"line {number}: the third field must be the 64 hex digits of the key's SHA-256 (priceingest keys new prints the line), not the key");
            }
            else if (!hashes.Add(hashText))
            {
                errors.Add($"line {number}: the same key appears twice");
            }
            else
            {
                entries.Add(new(name, role, Convert.FromHexString(hashText)));
            }
        }

        return errors.Count == 0 ? entries : throw new FormatException(string.Join("; ", errors));
    }

    private static bool IsName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private static void CheckName(string name)
    {
        if (!IsName(name))
        {
            throw new ArgumentException($"name '{name}' must be 1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-'", nameof(name));
        }
    }
}
