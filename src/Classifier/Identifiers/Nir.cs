using System.Numerics;

namespace CaptureChain.Classifier.Identifiers;

/// <summary>
/// A French social-security number (NIR): 13 characters plus a 2-digit key, key = 97 − (number mod 97), where the
/// Corsican departments 2A and 2B read as 19 and 18 for the computation.
/// </summary>
public readonly record struct Nir
{
    private Nir(string value) => Value = value;

    /// <summary>The 15 characters, without spaces, upper case.</summary>
    public string Value { get; }

    /// <summary>The first 13 characters (without the key).</summary>
    public string Body => Value[..13];

    /// <summary>The 2-digit key.</summary>
    public int Key => int.Parse(Value.AsSpan(13, 2));

    /// <summary>Parses 15 characters (spaces ignored) and checks the key.</summary>
    public static bool TryParse(string? text, out Nir nir)
    {
        nir = default;
        if (text is null) return false;
        var compact = string.Concat(text.Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();
        if (compact.Length != 15 || !IsWellFormedBody(compact.AsSpan(0, 13)) || !compact.AsSpan(13).ToString().All(char.IsAsciiDigit))
            return false;
        if (ComputeKey(compact[..13]) != int.Parse(compact.AsSpan(13, 2))) return false;
        nir = new Nir(compact);
        return true;
    }

    /// <summary>Builds a NIR from its 13-character body, computing the key.</summary>
    public static Nir FromBody(string body)
    {
        body = body.ToUpperInvariant();
        if (body.Length != 13 || !IsWellFormedBody(body)) throw new ArgumentException("A NIR body is 13 characters.", nameof(body));
        return new Nir(body + ComputeKey(body).ToString("00"));
    }

    /// <summary>97 − (body mod 97), with 2A → 19 and 2B → 18 in the department position.</summary>
    public static int ComputeKey(string body)
    {
        var department = body.Substring(5, 2) switch { "2A" => "19", "2B" => "18", var d => d };
        var numeric = body[..5] + department + body[7..];
        return 97 - (int)(BigInteger.Parse(numeric) % 97);
    }

    /// <summary>The NIR with its first digit and key only, for logs: personal data never appears unmasked.</summary>
    public string Masked => Value[0] + new string('•', 12) + Value[13..];

    public override string ToString() => Masked;

    /// <summary>True when 13 characters can be a NIR body (sex digit, digits, 2A/2B allowed as department).</summary>
    public static bool IsWellFormedBody(string body) => body.Length == 13 && IsWellFormedBody(body.ToUpperInvariant().AsSpan());

    private static bool IsWellFormedBody(ReadOnlySpan<char> body)
    {
        if (body[0] is not ('1' or '2' or '3' or '4' or '7' or '8')) return false;
        for (var i = 0; i < 13; i++)
        {
            if (i is 5 or 6 && body.Slice(5, 2) is "2A" or "2B") continue;
            if (!char.IsAsciiDigit(body[i])) return false;
        }
        return true;
    }
}
