using CaptureChain.Classifier.Duplicates;

namespace CaptureChain.Classifier.Tests.Duplicates;

/// <summary>
/// The re-scan fingerprint on texts as OCR delivers them: the same notice read twice with OCR-like errors is a re-scan,
/// the notice of another year or another notice of the same form is not.
/// </summary>
public class TextFingerprintTests
{
    /// <summary>A tax notice: the form's wording plus what is specific to one notice (year, amounts, references).</summary>
    private static string TaxNotice(int year, int income, string reference, string name = "Madame DUPONT Marie") =>
        $"""
        DIRECTION GÉNÉRALE DES FINANCES PUBLIQUES
        Avis d'impôt {year} sur les revenus de l'année {year - 1}
        {name}
        12 rue des Lilas 33000 Bordeaux
        Numéro fiscal : 30 12 345 678 901   Référence de l'avis : {reference}
        Date d'établissement : 31/07/{year}   Date de mise en recouvrement : 31/07/{year}
        Vos revenus et charges déclarés en {year - 1} pour votre foyer fiscal
        Revenu fiscal de référence : {income:N0} €   Nombre de parts : 1
        Salaires, pensions et rentes nets : {income + 1234:N0} €
        Impôt sur le revenu net avant corrections : {income / 12:N0} €
        Prélèvements sociaux sur revenus du patrimoine : {income / 50:N0} €
        Montant de votre impôt : {income / 13:N0} €
        Ce document est à conserver : il vous sera demandé pour bénéficier de prestations sociales,
        d'une allocation personnalisée d'autonomie ou d'une aide au logement auprès des organismes.
        Pour toute question concernant votre impôt, contactez votre centre des finances publiques
        par votre messagerie sécurisée sur impots.gouv.fr ou au numéro indiqué ci-dessous.
        Les montants sont arrondis à l'euro le plus proche. Page 1/2
        """;

    /// <summary>OCR-like damage: letters confused, accents lost, case changed, debris from lines and specks, lines re-wrapped.</summary>
    private static string OcrNoise(string text, int seed, double rate)
    {
        var rng = new Random(seed);
        var confusions = new Dictionary<char, char> { ['e'] = 'c', ['l'] = '1', ['o'] = '0', ['i'] = 'l', ['é'] = 'e', ['è'] = 'e', ['a'] = 'à', ['u'] = 'v' };
        var debris = new[] { "|", "—", "[ole]", "‘", ".", "_", "felel1]", ":" };
        var words = text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var output = new List<string>();
        foreach (var word in words)
        {
            var chars = word.ToCharArray();
            for (var i = 0; i < chars.Length; i++)
                if (!char.IsAsciiDigit(chars[i]) && rng.NextDouble() < rate && confusions.TryGetValue(chars[i], out var wrong)) chars[i] = wrong;
            var read = new string(chars);
            if (rng.NextDouble() < rate) read = read.ToUpperInvariant();
            output.Add(read);
            if (rng.NextDouble() < rate) output.Add(debris[rng.Next(debris.Length)]);
        }
        // Re-wrapped lines: where OCR breaks lines does not depend on the words.
        return string.Join(' ', output.Select((w, i) => i % (7 + seed % 5) == 0 ? "\n" + w : w));
    }

    private static TextFingerprint Fingerprint(string text) =>
        TextFingerprint.Compute(text) ?? throw new InvalidOperationException("no fingerprint");

    [Fact]
    public void Case_accents_line_breaks_and_thousand_separators_do_not_change_the_fingerprint()
    {
        var text = TaxNotice(2023, 18_450, "2323A112345678");
        var shouted = text.ToUpperInvariant().Replace("É", "E").Replace("\n", " \n\n ").Replace(" €", "€");

        Fingerprint(text).DistanceTo(Fingerprint(shouted)).Should().Be(0);
        Fingerprint(text).DatesAgreeWith(Fingerprint(shouted)).Should().BeTrue();
    }

    [Theory]
    [InlineData(1, 0.02)]
    [InlineData(2, 0.04)]
    [InlineData(3, 0.06)]
    public void The_same_notice_read_again_with_ocr_errors_is_a_rescan(int seed, double rate)
    {
        var text = TaxNotice(2023, 18_450, "2323A112345678");
        var first = Fingerprint(OcrNoise(text, seed * 2, rate));
        var again = Fingerprint(OcrNoise(text, seed * 2 + 1, rate));

        var comparison = RescanDetection.Compare(again, first);

        comparison.IsRescan.Should().BeTrue($"distance {comparison.Distance}, dates agree {comparison.DatesAgree}");
        comparison.Distance.Should().BeGreaterThan(0, "the noise does change some words (else the test proves nothing)");
    }

    [Fact]
    public void The_notice_of_another_year_is_not_a_rescan_even_with_the_same_amounts()
    {
        // Same person, same form, same income: only the years differ. Words alone are nearly the same.
        var thisYear = Fingerprint(TaxNotice(2023, 18_450, "2323A112345678"));
        var nextYear = Fingerprint(TaxNotice(2024, 18_450, "2323A112345678"));

        var comparison = RescanDetection.Compare(nextYear, thisYear);

        comparison.DatesAgree.Should().BeFalse();
        comparison.IsRescan.Should().BeFalse();
    }

    [Fact]
    public void Another_notice_of_the_same_form_and_date_is_not_a_rescan()
    {
        // Same year and person (a corrected notice): different amounts and reference.
        var notice = Fingerprint(TaxNotice(2023, 18_450, "2323A112345678"));
        var corrected = Fingerprint(TaxNotice(2023, 21_930, "2323B998877665"));

        var comparison = RescanDetection.Compare(corrected, notice);

        comparison.DatesAgree.Should().BeTrue();
        comparison.Distance.Should().BeGreaterThan(RescanDetection.MaxDistance);
        comparison.IsRescan.Should().BeFalse();
    }

    [Fact]
    public void A_date_one_scan_could_not_read_does_not_prevent_a_rescan_but_a_date_read_differently_does()
    {
        var text = TaxNotice(2023, 18_450, "2323A112345678");
        var full = Fingerprint(text);
        var dateLost = Fingerprint(text.Replace("31/07/2023", "3l/O7/2O23"));
        var otherDate = Fingerprint(text.Replace("31/07/2023", "30/06/2023"));

        full.DatesAgreeWith(dateLost).Should().BeTrue();
        full.DatesAgreeWith(otherDate).Should().BeFalse();
    }

    [Fact]
    public void Unrelated_texts_differ_in_about_half_the_bits()
    {
        var notice = Fingerprint(TaxNotice(2023, 18_450, "2323A112345678"));
        var letter = Fingerprint(string.Join(' ', Enumerable.Range(0, 60).Select(i => $"mot{(char)('a' + i % 26)}{(char)('a' + i / 26)}x")));

        notice.DistanceTo(letter).Should().BeInRange(40, 88);
    }

    [Fact]
    public void A_text_with_too_few_words_has_no_fingerprint()
    {
        TextFingerprint.Compute("").Should().BeNull();
        TextFingerprint.Compute("Reçu le 12/03/2013. Vu, classé. Pièce jointe au dossier de Madame DUPONT.").Should().BeNull();
        TextFingerprint.Compute("| [ole] felel1] — . _ : ‘ " + string.Join(' ', Enumerable.Repeat("x1 y2 z", 50))).Should().BeNull("debris is not words");
    }

    [Fact]
    public void The_stored_form_reads_back_and_other_forms_are_refused()
    {
        var fingerprint = Fingerprint(TaxNotice(2023, 18_450, "2323A112345678"));

        var hex = fingerprint.ToHex();
        hex.Should().MatchRegex("^[0-9a-f]{48}$");
        TextFingerprint.TryParse(hex, out var back).Should().BeTrue();
        back.Should().Be(fingerprint);
        TextFingerprint.TryParse(null, out _).Should().BeFalse();
        TextFingerprint.TryParse(hex[..32], out _).Should().BeFalse();
        TextFingerprint.TryParse(hex.Replace(hex[0], 'z'), out _).Should().BeFalse();
    }

    [Fact]
    public void Words_are_folded_debris_is_dropped_and_split_numbers_are_joined()
    {
        TextFingerprint.FeatureWords("Le 1 234,00 € et l'ALLOCATION n° [o] | apa2012 Hélène")
            .Should().Equal("123400", "allocation", "helene");
    }
}
