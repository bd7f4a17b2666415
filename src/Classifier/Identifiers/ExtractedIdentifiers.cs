using CaptureChain.Classifier.Names;

namespace CaptureChain.Classifier.Identifiers;

/// <summary>Where something was read in the OCR text: character offset and length, to highlight it on the review page.</summary>
public readonly record struct TextSpan(int Offset, int Length)
{
    /// <summary>The first character after the span.</summary>
    public int End => Offset + Length;
}

/// <summary>How a person's name was found on the page, which tells how much it says about who the page is about.</summary>
public enum NameSource
{
    /// <summary>A form field about the person concerned ("Nom", "Prénom", "Nom de naissance", "Nom du demandeur").</summary>
    SubjectField,

    /// <summary>A form field about someone else ("Nom du tuteur", "Nom du médecin", "Nom de l'aidant").</summary>
    OtherField,

    /// <summary>After a civility ("M.", "Mme", "Monsieur", "Madame").</summary>
    Civility,

    /// <summary>The administrative "DUPONT Marie" or "Marie DUPONT" form, anywhere in the text.</summary>
    UpperCaseForm,
}

/// <summary>A NIR read on the page; <see cref="Corrected"/> when OCR look-alike letters were read as digits (the key held).</summary>
public sealed record FoundNir(Nir Nir, TextSpan Span, bool Corrected);

/// <summary>A 7-digit CAF allocataire number found next to its label.</summary>
public sealed record FoundCafNumber(string Value, TextSpan Span);

/// <summary>A case number such as <c>APA-2024-00123</c>, in canonical form (upper case, single hyphens, no spaces).</summary>
public sealed record FoundCaseNumber(string Value, TextSpan Span);

/// <summary>A person's name read on the page. <see cref="OrderKnown"/> is false when nothing told first from last name.</summary>
public sealed record FoundName(PersonName Name, TextSpan Span, NameSource Source, bool OrderKnown)
{
    public override string ToString() => $"FoundName {Name} ({Source}) at {Span.Offset}";
}

/// <summary>A birth date read after its label ("Né(e) le", "Date de naissance").</summary>
public sealed record FoundBirthDate(DateOnly Date, TextSpan Span)
{
    public override string ToString() => $"FoundBirthDate •• at {Span.Offset}";
}

/// <summary>A French IBAN whose ISO 13616 check digits hold.</summary>
public sealed record FoundIban(string Value, TextSpan Span, bool Corrected)
{
    /// <summary>Country, check digits and last 3 characters only.</summary>
    public string Masked => Value[..4] + new string('•', Value.Length - 7) + Value[^3..];

    public override string ToString() => $"FoundIban {Masked}";
}

/// <summary>A 5-digit French postcode, with the city that follows it when there is one.</summary>
public sealed record FoundPostcode(string Value, string? City, TextSpan Span);

/// <summary>A street address ("12 bis rue des Lilas"), with the postcode and city read after it when present.</summary>
public sealed record FoundAddress(string Street, string? Postcode, string? City, TextSpan Span)
{
    public override string ToString() => $"FoundAddress {Postcode ?? "?"} at {Span.Offset}";
}

/// <summary>Everything the extractor read on one document, each with its place in the text.</summary>
public sealed record ExtractedIdentifiers(
    IReadOnlyList<FoundNir> Nirs,
    IReadOnlyList<FoundCafNumber> CafNumbers,
    IReadOnlyList<FoundCaseNumber> CaseNumbers,
    IReadOnlyList<FoundName> Names,
    IReadOnlyList<FoundBirthDate> BirthDates,
    IReadOnlyList<FoundIban> Ibans,
    IReadOnlyList<FoundPostcode> Postcodes,
    IReadOnlyList<FoundAddress> Addresses)
{
    /// <summary>Nothing found.</summary>
    public static ExtractedIdentifiers Empty { get; } = new([], [], [], [], [], [], [], []);

    /// <summary>True when a NIR, CAF number or case number was read.</summary>
    public bool HasStrongIdentifier => Nirs.Count > 0 || CafNumbers.Count > 0 || CaseNumbers.Count > 0;
}
