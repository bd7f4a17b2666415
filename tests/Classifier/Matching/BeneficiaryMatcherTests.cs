using CaptureChain.Classifier.Identifiers;
using CaptureChain.Classifier.Matching;
using CaptureChain.Classifier.Registry;

namespace CaptureChain.Classifier.Tests.Matching;

/// <summary>
/// Matching OCR texts against a small registry built for the tricky cases: homonyms (two DUPONT Marie), a couple
/// sharing a CAF number, one person with two cases, a person without NIR on file, and a beneficiary who is also a
/// tutor of another.
/// </summary>
public class BeneficiaryMatcherTests
{
    private static readonly Nir NirMarie1942 = Nir.FromBody("2420533063042");
    private static readonly Nir NirMarie1950 = Nir.FromBody("2500133063017");
    private static readonly Nir NirPaul = Nir.FromBody("1600633063123");
    private static readonly Nir NirJean = Nir.FromBody("1380233063201");
    private static readonly Nir NirJeanne = Nir.FromBody("2400933063202");
    private static readonly Nir NirLouise = Nir.FromBody("2350333063300");

    private static readonly Beneficiary Marie1942 = new("B1", NirMarie1942, "1234567", "DUPONT", "Marie", new DateOnly(1942, 5, 3), "APA-2024-00123", "APA", "12 rue des Lilas", "33000", "Bordeaux");
    private static readonly Beneficiary Marie1950 = new("B2", NirMarie1950, null, "Dupont", "Marie", new DateOnly(1950, 1, 15), "PCH-2023-00456", "PCH", "5 avenue Thiers", "33100", "Bordeaux");
    private static readonly Beneficiary Paul = new("B3", NirPaul, "2345678", "MARTIN", "Paul", new DateOnly(1960, 6, 12), "APA-2022-00777", "APA", "8 allée des Chênes", "33600", "Pessac");
    private static readonly Beneficiary Jean = new("B4", NirJean, "7654321", "LEFÈVRE", "Jean", new DateOnly(1938, 2, 11), "APA-2021-00011", "APA", "3 place Gambetta", "33000", "Bordeaux");
    private static readonly Beneficiary Jeanne = new("B5", NirJeanne, "7654321", "LEFÈVRE", "Jeanne", new DateOnly(1940, 9, 30), "APA-2021-00012", "APA", "3 place Gambetta", "33000", "Bordeaux");
    private static readonly Beneficiary LouiseApa = new("B6", NirLouise, null, "DURAND", "Louise", new DateOnly(1935, 3, 8), "APA-2019-00001", "APA", "1 rue Sainte-Catherine", "33000", "Bordeaux");
    private static readonly Beneficiary LouiseAsh = LouiseApa with { CaseNumber = "ASH-2020-00002", Prestation = "ASH" };
    private static readonly Beneficiary Helene = new("B7", null, null, "GARCIA", "Hélène", new DateOnly(1945, 7, 20), "APA-2018-00005", "APA", "EHPAD Les Pins, 4 rue du Moulin", "24000", "Périgueux");

    private static readonly BeneficiaryMatcher Matcher =
        new(BeneficiaryRegistry.FromBeneficiaries([Marie1942, Marie1950, Paul, Jean, Jeanne, LouiseApa, LouiseAsh, Helene]));

    private static BeneficiaryMatch Match(string text, string? cover = null) => Matcher.Match(IdentifierExtractor.Extract(text), cover);

    private static string Spaced(Nir nir)
    {
        var v = nir.Value;
        return $"{v[0]} {v.Substring(1, 2)} {v.Substring(3, 2)} {v.Substring(5, 2)} {v.Substring(7, 3)} {v.Substring(10, 3)} {v.Substring(13, 2)}";
    }

    private static void ShouldBeMatched(BeneficiaryMatch match, Beneficiary expected, params string[] evidence)
    {
        match.Outcome.Should().Be(MatchOutcome.Matched, $"reasons {string.Join(",", match.Reasons.Concat(match.Details))}");
        match.IsMatched.Should().BeTrue();
        match.Beneficiary.Should().BeSameAs(expected);
        match.Reasons.Should().BeEmpty();
        match.Evidence.Should().Contain(evidence);
        match.Candidates[0].Beneficiary.Should().BeSameAs(expected);
    }

    private static void ShouldNotBeFiled(BeneficiaryMatch match, MatchOutcome outcome, string reason, params string[] details)
    {
        match.Outcome.Should().Be(outcome);
        match.IsMatched.Should().BeFalse();
        match.Beneficiary.Should().BeNull();
        match.Reasons.Should().Equal(reason);
        if (details.Length > 0) match.Details.Should().Contain(details);
    }

    // ---- Strong identifiers ------------------------------------------------------------------------------------

    [Fact]
    public void A_nir_alone_designates_its_beneficiary()
    {
        var match = Match($"ATTESTATION DE DROITS\nN° de sécurité sociale : {Spaced(NirMarie1942)}");

        ShouldBeMatched(match, Marie1942, MatchEvidence.Nir);
    }

    [Fact]
    public void A_case_number_alone_designates_its_beneficiary()
    {
        ShouldBeMatched(Match("Objet : votre dossier APA - 2024 - 00123\nMadame,"), Marie1942, MatchEvidence.CaseNumber);
    }

    [Fact]
    public void A_caf_number_of_one_person_designates_them()
    {
        ShouldBeMatched(Match("N° allocataire : 2345678"), Paul, MatchEvidence.CafNumber);
    }

    [Fact]
    public void A_household_caf_number_alone_is_ambiguous_and_lists_both_spouses()
    {
        var match = Match("CAF de la Gironde\nN° allocataire : 7654321\nAttestation de paiement");

        ShouldNotBeFiled(match, MatchOutcome.Ambiguous, MatchReasons.BeneficiaryAmbiguous, MatchReasons.SeveralBeneficiaries);
        match.Candidates.Select(c => c.Beneficiary).Should().BeEquivalentTo([Jean, Jeanne]);
        match.Candidates.Should().OnlyContain(c => c.MatchedBy.Contains(MatchEvidence.CafNumber));
    }

    [Fact]
    public void A_household_caf_number_with_the_spouse_name_designates_that_spouse()
    {
        var match = Match("N° allocataire : 7654321\nAllocataire : Mme LEFEVRE Jeanne\nMontant versé");

        ShouldBeMatched(match, Jeanne, MatchEvidence.CafNumber, MatchEvidence.Name);
    }

    [Fact]
    public void Strong_identifiers_of_two_people_conflict()
    {
        var match = Match($"NIR {NirMarie1942.Value}\nDossier APA-2022-00777");

        ShouldNotBeFiled(match, MatchOutcome.Conflict, MatchReasons.IdentifiersConflict, MatchReasons.StrongIdentifiersDisagree);
        match.Candidates.Select(c => c.Beneficiary).Should().Contain([Marie1942, Paul]);
    }

    [Fact]
    public void The_nir_with_the_homonym_birth_date_conflicts()
    {
        // NIR of the 1942 Marie DUPONT, birth date of the 1950 one: one of them is wrong on the page.
        var match = Match($"Mme DUPONT Marie, née le 15/01/1950\nN° SS {Spaced(NirMarie1942)}");

        ShouldNotBeFiled(match, MatchOutcome.Conflict, MatchReasons.IdentifiersConflict, MatchReasons.BirthDateMismatch);
    }

    [Fact]
    public void A_nir_confirmed_by_name_and_birth_date_lists_all_evidence()
    {
        var match = Match($"Mme DUPONT Marie, née le 03/05/1942\nN° SS {Spaced(NirMarie1942)}\n12 rue des Lilas\n33000 BORDEAUX");

        ShouldBeMatched(match, Marie1942, MatchEvidence.Nir, MatchEvidence.Name, MatchEvidence.BirthDate, MatchEvidence.Address);
    }

    [Fact]
    public void A_valid_nir_missing_from_the_registry_is_never_filed_even_with_a_registered_name_and_birth_date()
    {
        var stranger = Nir.FromBody("2420533063999");
        var match = Match($"Mme DUPONT Marie née le 03/05/1942\nN° SS {stranger.Value}");

        ShouldNotBeFiled(match, MatchOutcome.NotFound, MatchReasons.BeneficiaryNotFound, MatchReasons.UnknownIdentifier);
        match.Candidates.Select(c => c.Beneficiary).Should().Contain(Marie1942);
    }

    [Fact]
    public void An_unknown_case_number_is_not_found()
    {
        ShouldNotBeFiled(Match("Dossier APA-2024-99999"), MatchOutcome.NotFound, MatchReasons.BeneficiaryNotFound);
    }

    [Fact]
    public void Another_nir_than_the_one_on_file_conflicts()
    {
        var other = Nir.FromBody("2420533063999");
        var match = Match($"Dossier APA-2024-00123\nNIR {other.Value}");

        ShouldNotBeFiled(match, MatchOutcome.Conflict, MatchReasons.IdentifiersConflict, MatchReasons.NirMismatch);
    }

    [Fact]
    public void Another_caf_number_than_the_one_on_file_conflicts_but_not_when_none_is_on_file()
    {
        ShouldNotBeFiled(Match("Dossier APA-2024-00123\nN° allocataire 9999999"), MatchOutcome.Conflict, MatchReasons.IdentifiersConflict, MatchReasons.CafMismatch);
        ShouldBeMatched(Match("Dossier PCH-2023-00456\nN° allocataire 9999999"), Marie1950, MatchEvidence.CaseNumber);
    }

    [Fact]
    public void A_nir_not_on_file_must_fit_the_registered_birth_date()
    {
        // Hélène GARCIA has no NIR in the registry; a NIR of a woman born 07/1945 can be hers, a man born 1960 cannot.
        var fitting = Nir.FromBody("2450724322011");
        var unfitting = Nir.FromBody("1600724322011");

        ShouldBeMatched(Match($"NIR {fitting.Value}", cover: "APA-2018-00005"), Helene, MatchEvidence.CoverSheet);
        ShouldNotBeFiled(Match($"NIR {unfitting.Value}", cover: "APA-2018-00005"), MatchOutcome.Conflict, MatchReasons.IdentifiersConflict, MatchReasons.NirMismatch);
    }

    [Fact]
    public void An_identifier_the_registry_lacks_for_the_person_named_with_birth_date_does_not_stop_filing()
    {
        // Hélène GARCIA has no NIR on file and the 1950 Marie DUPONT no CAF number: the export left them empty.
        var helenesNir = Nir.FromBody("2450724322011");

        ShouldBeMatched(Match($"Mme GARCIA Hélène, née le 20/07/1945\nNIR {helenesNir.Value}"), Helene, MatchEvidence.NameAndBirthDate);
        ShouldBeMatched(Match("N° allocataire 9999999\nMme DUPONT Marie née le 15/01/1950"), Marie1950, MatchEvidence.NameAndBirthDate);
        // A NIR that cannot be hers (a man born in 1960) is someone else's: not filed.
        ShouldNotBeFiled(Match($"Mme GARCIA Hélène, née le 20/07/1945\nNIR {Nir.FromBody("1600724322011").Value}"),
            MatchOutcome.NotFound, MatchReasons.BeneficiaryNotFound, MatchReasons.UnknownIdentifier);
    }

    [Fact]
    public void A_form_field_naming_someone_else_contradicts_the_nir()
    {
        var match = Match($"Nom : ROUSSEAU   Prénom : Anne\nN° de sécurité sociale : {NirMarie1942.Value}");

        ShouldNotBeFiled(match, MatchOutcome.Conflict, MatchReasons.IdentifiersConflict, MatchReasons.NameMismatch);
    }

    [Fact]
    public void One_person_with_two_cases_needs_the_case_number()
    {
        var byNir = Match($"NIR {NirLouise.Value}");
        var withCover = Match($"NIR {NirLouise.Value}", cover: "ASH-2020-00002");

        ShouldNotBeFiled(byNir, MatchOutcome.Ambiguous, MatchReasons.BeneficiaryAmbiguous, MatchReasons.MultipleCases);
        ShouldBeMatched(withCover, LouiseAsh, MatchEvidence.Nir, MatchEvidence.CoverSheet);
    }

    // ---- Without strong identifiers ----------------------------------------------------------------------------

    [Fact]
    public void A_name_alone_is_never_enough()
    {
        var match = Match("Madame DUPONT Marie\nJe vous écris au sujet de ma demande.");

        ShouldNotBeFiled(match, MatchOutcome.Ambiguous, MatchReasons.NameOnly);
        match.Candidates.Select(c => c.Beneficiary).Should().BeEquivalentTo([Marie1942, Marie1950]);
        match.Candidates.Should().OnlyContain(c => c.MatchedBy.SequenceEqual(new[] { MatchEvidence.Name }));
    }

    [Fact]
    public void A_name_alone_of_a_person_without_homonym_is_still_not_enough()
    {
        ShouldNotBeFiled(Match("M. MARTIN Paul\nObjet : réclamation"), MatchOutcome.Ambiguous, MatchReasons.NameOnly);
    }

    [Fact]
    public void Name_and_birth_date_tell_homonyms_apart()
    {
        var match = Match("Nom : DUPONT       Prénom : Marie\nDate de naissance : 15/01/1950");

        ShouldBeMatched(match, Marie1950, MatchEvidence.NameAndBirthDate);
        match.Candidates.Single(c => c.Beneficiary == Marie1942).MatchedBy.Should().Equal(MatchEvidence.Name);
    }

    [Fact]
    public void Name_and_street_address_tell_homonyms_apart()
    {
        var match = Match("Mme Marie DUPONT\n5, av. Thiers\n33100 BORDEAUX");

        ShouldBeMatched(match, Marie1950, MatchEvidence.NameAndAddress);
    }

    [Fact]
    public void Same_street_with_another_number_is_not_the_address()
    {
        ShouldNotBeFiled(Match("Mme Marie DUPONT\n7 avenue Thiers\n33100 BORDEAUX"), MatchOutcome.Ambiguous, MatchReasons.NameOnly);
    }

    [Theory]
    [InlineData("Mme DUPNOT Marie née le 15/01/1950", "B2")] // swapped letters
    [InlineData("LEFEVRE Jeanne, née le 30/09/1940", "B5")]  // accent dropped
    [InlineData("Mme GARCIA Helene\nDate de naissance : 2O/O7/1945", "B7")]
    public void Name_and_birth_date_tolerate_ocr_errors(string text, string expectedId)
    {
        var match = Match(text);

        match.Outcome.Should().Be(MatchOutcome.Matched);
        match.Beneficiary!.BeneficiaryId.Should().Be(expectedId);
    }

    [Fact]
    public void A_birth_date_written_before_the_name_still_pairs_with_it()
    {
        var match = Match("Date de naissance : 15/01/1950\nSituation familiale : veuve\n\nFait à Bordeaux\nSignature : Marie DUPONT");

        ShouldBeMatched(match, Marie1950, MatchEvidence.NameAndBirthDate);
    }

    [Fact]
    public void A_registered_name_with_another_birth_date_is_someone_not_in_the_registry()
    {
        var match = Match("Mme DUPONT Marie, née le 01/01/1960");

        ShouldNotBeFiled(match, MatchOutcome.NotFound, MatchReasons.BeneficiaryNotFound, MatchReasons.BirthDateDiffers);
    }

    [Fact]
    public void Two_registered_people_with_their_birth_dates_are_ambiguous()
    {
        var match = Match("Mme DUPONT Marie, née le 03/05/1942, et M. MARTIN Paul, né le 12/06/1960, demeurant ensemble");

        ShouldNotBeFiled(match, MatchOutcome.Ambiguous, MatchReasons.BeneficiaryAmbiguous, MatchReasons.SeveralBeneficiaries);
    }

    [Fact]
    public void Nothing_to_go_on()
    {
        ShouldNotBeFiled(Match("Veuillez trouver ci-joint les documents demandés."), MatchOutcome.NotFound, MatchReasons.NoIdentifier);
    }

    // ---- Cover sheets ------------------------------------------------------------------------------------------

    [Fact]
    public void A_cover_sheet_files_a_document_that_names_nobody()
    {
        ShouldBeMatched(Match("CERTIFICAT MÉDICAL\nÉtat de santé nécessitant une aide humaine.", cover: "APA-2024-00123"), Marie1942, MatchEvidence.CoverSheet);
    }

    [Fact]
    public void A_document_with_a_strong_identifier_of_someone_else_conflicts_with_the_cover_sheet()
    {
        var match = Match($"N° SS {Spaced(NirPaul)}", cover: "APA-2024-00123");

        ShouldNotBeFiled(match, MatchOutcome.Conflict, MatchReasons.IdentifiersConflict, MatchReasons.OtherBeneficiaryNamed);
    }

    [Fact]
    public void A_document_with_the_name_and_birth_date_of_someone_else_conflicts_with_the_cover_sheet()
    {
        var match = Match("Je soussigné M. MARTIN Paul, né le 12/06/1960, sollicite", cover: "APA-2024-00123");

        ShouldNotBeFiled(match, MatchOutcome.Conflict, MatchReasons.IdentifiersConflict, MatchReasons.OtherBeneficiaryNamed);
    }

    [Fact]
    public void Another_registered_name_next_to_the_beneficiary_name_does_not_conflict()
    {
        var match = Match("Mme DUPONT Marie est accompagnée par M. MARTIN Paul.", cover: "APA-2024-00123");

        ShouldBeMatched(match, Marie1942, MatchEvidence.CoverSheet, MatchEvidence.Name);
    }

    [Fact]
    public void Only_another_registered_name_on_the_page_conflicts_with_the_cover_sheet()
    {
        var match = Match("Objet : demande de M. MARTIN Paul\nMonsieur,", cover: "APA-2024-00123");

        ShouldNotBeFiled(match, MatchOutcome.Conflict, MatchReasons.IdentifiersConflict, MatchReasons.NameMismatch);
    }

    [Fact]
    public void An_unknown_cover_case_is_not_found_and_never_guessed()
    {
        ShouldNotBeFiled(Match("Madame DUPONT Marie née le 03/05/1942", cover: "APA-2099-00001"), MatchOutcome.NotFound, MatchReasons.CoverCaseUnknown);
        ShouldNotBeFiled(Match($"NIR {NirMarie1942.Value}", cover: "APA-2099-00001"), MatchOutcome.Conflict, MatchReasons.IdentifiersConflict, MatchReasons.CoverCaseUnknown);
    }

    // ---- Documents about two people ----------------------------------------------------------------------------

    private static string Judgement(string tutor) => $"""
        TRIBUNAL JUDICIAIRE DE BORDEAUX
        Service des contentieux de la protection
        JUGEMENT D'OUVERTURE D'UNE MESURE DE TUTELLE
        Concernant Mme DUPONT Marie, née le 03/05/1942,
        N° de sécurité sociale {Spaced(NirMarie1942)}
        demeurant 12 rue des Lilas 33000 BORDEAUX
        PAR CES MOTIFS, ordonne l'ouverture d'une mesure de tutelle pour une durée de 60 mois.
        Désigne en qualité de tuteur {tutor}
        """;

    [Fact]
    public void A_judgement_naming_a_tutor_outside_the_registry_is_filed_to_the_protected_person()
    {
        var match = Match(Judgement("M. LEROY Henri, né le 02/02/1958, mandataire judiciaire"));

        ShouldBeMatched(match, Marie1942, MatchEvidence.Nir, MatchEvidence.Name, MatchEvidence.BirthDate);
    }

    [Fact]
    public void A_judgement_naming_an_association_as_tutor_is_filed()
    {
        ShouldBeMatched(Match(Judgement("l'UDAF de la Gironde, 4 rue de Lafontaine 33000 Bordeaux")), Marie1942, MatchEvidence.Nir);
    }

    [Fact]
    public void A_judgement_whose_tutor_is_another_beneficiary_goes_to_review()
    {
        // The tutor is himself a registered beneficiary, with his birth date: two people of the registry on one page.
        var match = Match(Judgement("M. MARTIN Paul, né le 12/06/1960, son fils"));

        ShouldNotBeFiled(match, MatchOutcome.Conflict, MatchReasons.IdentifiersConflict, MatchReasons.OtherBeneficiaryNamed);
        match.Candidates.Select(c => c.Beneficiary).Should().Contain([Marie1942, Paul]);
        match.Candidates.Single(c => c.Beneficiary == Paul).MatchedBy.Should().Contain(MatchEvidence.NameAndBirthDate);
    }

    [Fact]
    public void A_letter_from_a_daughter_outside_the_registry_is_filed_to_the_case_it_quotes()
    {
        var text = """
            Mme DURAND Sophie
            8 rue Judaïque 33000 BORDEAUX
            Objet : dossier APA-2024-00123 de ma mère, Mme DUPONT Marie
            Madame, Monsieur, ma mère ne peut plus rester seule à domicile.
            """;

        ShouldBeMatched(Match(text), Marie1942, MatchEvidence.CaseNumber, MatchEvidence.Name);
    }

    [Fact]
    public void A_letter_from_a_spouse_about_the_other_spouse_case_is_filed_to_the_quoted_case()
    {
        var text = """
            Mme LEFÈVRE Jeanne
            N° allocataire 7654321
            Objet : dossier APA-2021-00011 de mon mari, M. LEFÈVRE Jean
            Je vous informe de son entrée en EHPAD.
            """;

        ShouldBeMatched(Match(text), Jean, MatchEvidence.CaseNumber, MatchEvidence.CafNumber, MatchEvidence.Name);
    }

    [Fact]
    public void A_letter_naming_a_child_with_birth_date_outside_the_registry_is_filed()
    {
        var text = "Dossier APA-2024-00123\nMme DUPONT Marie\nMa fille, Mme DUPONT Claire, née le 12/03/1975, s'occupe de mes papiers.";

        ShouldBeMatched(Match(text), Marie1942, MatchEvidence.CaseNumber);
    }

    [Fact]
    public void Matching_identifiers_read_directly_gives_the_same_answer()
    {
        var ids = ExtractedIdentifiers.Empty with
        {
            CaseNumbers = [new FoundCaseNumber("PCH-2023-00456", new TextSpan(0, 14))],
        };

        ShouldBeMatched(Matcher.Match(ids, coverSheetCaseNumber: " "), Marie1950, MatchEvidence.CaseNumber);
    }
}
