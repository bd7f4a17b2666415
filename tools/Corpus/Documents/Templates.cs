using System.Globalization;
using CaptureChain.Corpus.Population;

namespace CaptureChain.Corpus.Documents;

/// <summary>A document being composed: decisions (variant, wording, printed identifiers) plus one drawing step per page.</summary>
internal sealed class DocumentDraft
{
    public DocumentDraft(DocumentSpec spec)
    {
        Spec = spec;
        Rng = new Random(spec.Seed);
        Subject = spec.Subject;
        IssueDate = spec.IssueDate ?? new DateOnly(2023, 1, 2).AddDays(Rng.Next(0, 1000));
    }

    public DocumentSpec Spec { get; }
    public Random Rng { get; }
    public Person Subject { get; }
    public DateOnly IssueDate { get; }
    public HouseStyle Style { get; set; } = null!;
    public int Variant { get; set; }
    public string Title { get; set; } = "";
    public PrintedIdentifiers Printed { get; set; } = new();
    public List<Action<PageWriter>> Pages { get; } = [];

    /// <summary>The variant forced by the spec or drawn among <paramref name="count"/>.</summary>
    public int PickVariant(int count) => Variant = Spec.Variant is { } v ? ((v % count) + count) % count : Rng.Next(count);

    /// <summary>The page count forced by the spec (clamped to what the template can lay out) or drawn in [min, max].</summary>
    public int PickPages(int min, int max) => Spec.PageCount is { } n ? Math.Clamp(n, min, max) : Rng.Next(min, max + 1);

    public T Pick<T>(params T[] options) => options[Rng.Next(options.Length)];
    public bool Chance(int percent) => Rng.Next(100) < percent;

    public ComposedDocument ToComposed() => new(Spec.DocumentType, Variant, Title, Pages.Count, Printed);
}

/// <summary>Dispatches a spec to its template and holds the wording shared by all templates.</summary>
internal static partial class Templates
{
    public static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    public static DocumentDraft Compose(DocumentSpec spec)
    {
        var d = new DocumentDraft(spec);
        switch (spec.DocumentType)
        {
            case DocumentTypes.DemandeApa: DemandeApa(d); break;
            case DocumentTypes.DemandeMdph: DemandeMdph(d); break;
            case DocumentTypes.CertificatMedical: CertificatMedical(d); break;
            case DocumentTypes.AvisImposition: AvisImposition(d); break;
            case DocumentTypes.JustificatifDomicile: JustificatifDomicile(d); break;
            case DocumentTypes.Rib: Rib(d); break;
            case DocumentTypes.PieceIdentite: PieceIdentite(d); break;
            case DocumentTypes.JugementProtection: JugementProtection(d); break;
            case DocumentTypes.NotificationDecision: NotificationDecision(d); break;
            case DocumentTypes.PlanAide: PlanAide(d); break;
            case DocumentTypes.FactureEtablissement: FactureEtablissement(d); break;
            case DocumentTypes.Courrier: Courrier(d); break;
            default: throw new ArgumentException($"Unknown document type '{spec.DocumentType}'.", nameof(spec));
        }
        if (d.Pages.Count == 0) throw new InvalidOperationException("A template produced no page.");
        return d;
    }

    // ---- shared wording -------------------------------------------------------------------------------------

    public static string LongDate(DateOnly date) => date.ToString("d MMMM yyyy", French);
    public static string Slashed(DateOnly date) => date.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    /// <summary>French money with an ordinary space as thousands separator (what OCR reads back anyway).</summary>
    public static string Euros(decimal amount, bool symbol = true) =>
        amount.ToString("#,##0.00", French).Replace('\u202F', ' ').Replace('\u00A0', ' ') + (symbol ? " €" : "");

    public static string Digits(Random rng, int count)
    {
        var chars = new char[count];
        for (var i = 0; i < count; i++) chars[i] = (char)('0' + rng.Next(10));
        return new string(chars);
    }

    /// <summary>Three or four header lines naming the département's service that issues or receives the paper.</summary>
    public static string[] DepartementHeader(DocumentDraft d) =>
    [
        d.Pick("DÉPARTEMENT DE LA GIRONDE", "Département de la Gironde", "GIRONDE — LE DÉPARTEMENT", "Conseil départemental de la Gironde"),
        d.Pick("Direction de l'Autonomie", "Pôle Solidarités — Direction des Personnes Âgées et Handicapées",
            "Direction des Solidarités", "Service de l'Aide Sociale"),
        d.Pick("Esplanade Charles-de-Gaulle — 33074 Bordeaux Cedex", "1 esplanade Charles-de-Gaulle, CS 71223, 33074 Bordeaux Cedex",
            "Immeuble Gironde, 1 esplanade Charles-de-Gaulle — 33074 BORDEAUX CEDEX"),
    ];

    /// <summary>The subject's address lines as printed on mail (registry form).</summary>
    public static string[] AddressLines(Person p, bool upperCity = true) =>
    [
        p.Address,
        $"{p.Postcode} {(upperCity ? p.City.ToUpper(French) : p.City)}",
    ];

    /// <summary>A relative's name: same last name (child, spouse) or a married daughter's other name.</summary>
    public static (string Name, string Role, char Sex) Relative(DocumentDraft d)
    {
        var sex = d.Chance(60) ? 'F' : 'M';
        var first = sex == 'F'
            ? d.Pick("Catherine", "Isabelle", "Sylvie", "Christine", "Véronique", "Brigitte", "Martine", "Valérie", "Pascale")
            : d.Pick("Philippe", "Alain", "Patrick", "Thierry", "Éric", "Didier", "Pascal", "Olivier", "Laurent");
        var sameName = d.Chance(65);
        var last = sameName ? d.Subject.LastName : d.Pick("Moulin", "Caron", "Brunet", "Lemoine", "Barbier", "Rolland", "Lacroix", "Joly");
        var role = d.Subject.Prestation == "PCH" && d.Subject.BirthDate.Year > 1990
            ? (sex == 'F' ? "mère" : "père")
            : (sex == 'F' ? d.Pick("fille", "nièce", "belle-fille") : d.Pick("fils", "neveu", "gendre"));
        return ($"{first} {last.ToUpper(French)}", role, sex);
    }

    /// <summary>Filler sentences of administrative prose, so pages are not all identifiers.</summary>
    public static readonly string[] AdministrativeProse =
    [
        "Les informations recueillies font l'objet d'un traitement informatique destiné à l'instruction de votre demande.",
        "Conformément au règlement général sur la protection des données, vous disposez d'un droit d'accès et de rectification des informations qui vous concernent.",
        "Toute fausse déclaration est passible des sanctions prévues aux articles 313-1 et 441-1 du code pénal.",
        "Le dossier incomplet ne pourra pas être instruit ; il vous sera retourné avec la liste des pièces manquantes.",
        "Vous pouvez obtenir tout renseignement complémentaire auprès de votre centre médico-social ou de votre CCAS.",
        "Le délai d'instruction est de deux mois à compter de la réception du dossier complet.",
        "Les sommes versées au titre de l'allocation ne sont pas récupérables sur la succession du bénéficiaire.",
        "Cette décision est susceptible de révision en cas de changement de votre situation.",
    ];
}
