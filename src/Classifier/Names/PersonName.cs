namespace CaptureChain.Classifier.Names;

/// <summary>A person's name as read on a page or registered: last name and, when known, first name(s).</summary>
public sealed record PersonName(string LastName, string? FirstName)
{
    /// <summary>Initials only: names are personal data and never appear unmasked in logs.</summary>
    public override string ToString() =>
        $"{Initial(LastName)}. {(FirstName is null ? "?" : Initial(FirstName) + ".")}";

    private static string Initial(string part) => part.Length == 0 ? "?" : char.ToUpperInvariant(part[0]).ToString();
}
