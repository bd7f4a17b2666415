using CaptureChain.Classifier.Identifiers;
using CaptureChain.Classifier.Matching;
using CaptureChain.Classifier.Registry;

namespace CaptureChain.Classifier.Tests.Matching;

/// <summary>
/// What a legacy archive's folder name says (<see cref="BeneficiaryHint"/>) weighed with the page: a folder case or NIR
/// acts like a cover sheet, a folder name alone never files (two DUPONT Marie), a folder name with its birth date may,
/// and a folder that disagrees with the document sends it to review with a folder reason.
/// </summary>
public class FolderHintMatchingTests
{
    private static readonly Nir NirMarie1942 = Nir.FromBody("2420533063042");
    private static readonly Nir NirPaul = Nir.FromBody("1600633063123");

    private static readonly Beneficiary Marie1942 = new("B1", NirMarie1942, "1234567", "DUPONT", "Marie", new DateOnly(1942, 5, 3), "APA-2012-00417", "APA", "12 rue des Lilas", "33000", "Bordeaux");
    private static readonly Beneficiary Marie1950 = new("B2", Nir.FromBody("2500133063017"), null, "Dupont", "Marie", new DateOnly(1950, 1, 15), "PCH-2013-00456", "PCH", "5 avenue Thiers", "33100", "Bordeaux");
    private static readonly Beneficiary Paul = new("B3", NirPaul, "2345678", "MARTIN", "Paul", new DateOnly(1960, 6, 12), "APA-2011-00777", "APA", "8 allée des Chênes", "33600", "Pessac");

    private static readonly BeneficiaryMatcher Matcher = new(BeneficiaryRegistry.FromBeneficiaries([Marie1942, Marie1950, Paul]));

    // A page that names nobody: what legacy scans of handwritten notes or receipts often are.
    private const string Anonymous = "Reçu le 12 mars 2013. Pièce jointe au dossier. Vu, classé.";

    private static BeneficiaryMatch Match(string text, BeneficiaryHint? folder, string? cover = null) =>
        Matcher.Match(IdentifierExtractor.Extract(text), cover, folder);

    [Fact]
    public void A_case_number_in_the_folder_files_an_anonymous_page_in_that_case_like_a_cover_sheet()
    {
        var match = Match(Anonymous, new BeneficiaryHint(CaseNumber: "APA-2012-00417"));

        match.Outcome.Should().Be(MatchOutcome.Matched);
        match.Beneficiary.Should().BeSameAs(Marie1942);
        match.Evidence.Should().Contain(MatchEvidence.FolderCaseNumber);
        // Same decision as the cover sheet path, with its own evidence label.
        Matcher.Match(IdentifierExtractor.Extract(Anonymous), "APA-2012-00417").Beneficiary.Should().BeSameAs(Marie1942);
    }

    [Fact]
    public void A_nir_in_the_folder_files_a_page_that_confirms_the_name()
    {
        var match = Match("Madame DUPONT Marie\nObjet : votre demande", new BeneficiaryHint(Nir: NirMarie1942));

        match.Outcome.Should().Be(MatchOutcome.Matched);
        match.Beneficiary.Should().BeSameAs(Marie1942);
        match.Evidence.Should().Contain([MatchEvidence.FolderNir, MatchEvidence.Name]);
    }

    [Fact]
    public void A_name_alone_in_the_folder_never_files_even_when_only_one_person_has_it()
    {
        var homonym = Match(Anonymous, new BeneficiaryHint(LastName: "DUPONT", FirstName: "Marie"));
        var unique = Match(Anonymous, new BeneficiaryHint(LastName: "MARTIN", FirstName: "Paul"));

        foreach (var match in new[] { homonym, unique })
        {
            match.IsMatched.Should().BeFalse();
            match.Reasons.Should().Equal(MatchReasons.NameOnly);
        }
        homonym.Candidates.Select(c => c.Beneficiary.BeneficiaryId).Should().BeEquivalentTo(["B1", "B2"]);
        homonym.Candidates.Should().OnlyContain(c => c.MatchedBy.Contains(MatchEvidence.FolderName));
    }

    [Fact]
    public void A_name_with_its_birth_date_in_the_folder_designates_the_right_homonym()
    {
        var match = Match(Anonymous, new BeneficiaryHint(LastName: "DUPONT", FirstName: "Marie", BirthDate: new DateOnly(1950, 1, 15)));

        match.Outcome.Should().Be(MatchOutcome.Matched);
        match.Beneficiary.Should().BeSameAs(Marie1950);
        match.Evidence.Should().Equal(MatchEvidence.FolderNameAndBirthDate, MatchEvidence.FolderName);
    }

    [Fact]
    public void A_folder_case_against_a_document_naming_another_beneficiary_goes_to_review()
    {
        // A sheet of Paul's misplaced in Marie's folder: his name and birth date are on it.
        var match = Match("Monsieur MARTIN Paul, né le 12/06/1960, demeurant 8 allée des Chênes 33600 Pessac",
            new BeneficiaryHint(CaseNumber: "APA-2012-00417"));

        match.IsMatched.Should().BeFalse();
        match.Outcome.Should().Be(MatchOutcome.Conflict);
        match.Reasons.Should().Equal(MatchReasons.IdentifiersConflict, MatchReasons.FolderHintConflict);
        match.Details.Should().Contain(MatchReasons.OtherBeneficiaryNamed);
        match.Candidates.Select(c => c.Beneficiary.BeneficiaryId).Should().Contain(["B1", "B3"]);
    }

    [Fact]
    public void A_folder_case_against_a_document_nir_of_another_person_goes_to_review()
    {
        var match = Match($"N° de sécurité sociale : {NirPaul.Value}", new BeneficiaryHint(CaseNumber: "APA-2012-00417"));

        match.Outcome.Should().Be(MatchOutcome.Conflict);
        match.Reasons.Should().Equal(MatchReasons.IdentifiersConflict, MatchReasons.FolderHintConflict);
        match.Details.Should().Contain(MatchReasons.StrongIdentifiersDisagree);
    }

    [Fact]
    public void A_folder_whose_case_and_name_are_of_different_people_goes_to_review()
    {
        var match = Match(Anonymous, new BeneficiaryHint(CaseNumber: "APA-2012-00417", LastName: "MARTIN", FirstName: "Paul"));

        match.Outcome.Should().Be(MatchOutcome.Conflict);
        match.Reasons.Should().Contain(MatchReasons.FolderHintConflict);
        match.Details.Should().Contain(MatchReasons.FolderNameMismatch);
    }

    [Fact]
    public void A_folder_name_with_birth_date_against_a_page_designating_another_person_goes_to_review()
    {
        var match = Match("Monsieur MARTIN Paul, né le 12/06/1960",
            new BeneficiaryHint(LastName: "DUPONT", FirstName: "Marie", BirthDate: new DateOnly(1942, 5, 3)));

        match.Outcome.Should().Be(MatchOutcome.Conflict);
        match.Reasons.Should().Contain(MatchReasons.FolderHintConflict);
    }

    [Fact]
    public void A_folder_case_unknown_to_the_registry_is_never_filed_even_when_the_page_designates_someone()
    {
        var match = Match($"N° de sécurité sociale : {NirPaul.Value}", new BeneficiaryHint(CaseNumber: "APA-1999-00001"));

        match.IsMatched.Should().BeFalse();
        match.Reasons.Should().Equal(MatchReasons.FolderHintUnknown);
    }

    [Fact]
    public void A_folder_case_agreeing_with_the_cover_sheet_and_the_page_files()
    {
        var match = Match("Dossier APA-2012-00417 — Madame DUPONT Marie", new BeneficiaryHint(CaseNumber: "APA-2012-00417"), cover: "APA-2012-00417");

        match.Beneficiary.Should().BeSameAs(Marie1942);
        match.Evidence.Should().Contain([MatchEvidence.CaseNumber, MatchEvidence.CoverSheet, MatchEvidence.FolderCaseNumber]);
    }

    [Fact]
    public void A_folder_case_against_the_cover_sheet_goes_to_review()
    {
        var match = Match(Anonymous, new BeneficiaryHint(CaseNumber: "APA-2012-00417"), cover: "APA-2011-00777");

        match.Outcome.Should().Be(MatchOutcome.Conflict);
        match.Reasons.Should().Contain(MatchReasons.FolderHintConflict);
    }

    [Fact]
    public void Without_a_folder_hint_the_matcher_decides_as_before()
    {
        Match(Anonymous, null).Reasons.Should().Equal(MatchReasons.NoIdentifier);
        Match(Anonymous, new BeneficiaryHint()).Reasons.Should().Equal(MatchReasons.NoIdentifier);
    }
}
