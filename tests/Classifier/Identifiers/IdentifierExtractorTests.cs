using CaptureChain.Classifier.Identifiers;
using CaptureChain.Classifier.Names;

namespace CaptureChain.Classifier.Tests.Identifiers;

public class IdentifierExtractorTests
{
    private static string At(string text, TextSpan span) => text.Substring(span.Offset, span.Length);

    // ---- CAF numbers -------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("N° allocataire : 1234567", "1234567", "1234567")]
    [InlineData("Numéro d'allocataire CAF  7654321\nDate : 12/03/2024", "7654321", "7654321")]
    [InlineData("CAF de la Gironde - matricule : 123 4567", "1234567", "123 4567")]
    [InlineData("N°allocataire:2345678", "2345678", "2345678")]
    [InlineData("NUMERO ALLOCATAIRE\n3456789", "3456789", "3456789")]
    public void Finds_caf_numbers_next_to_their_label(string text, string expected, string printed)
    {
        var caf = IdentifierExtractor.Extract(text).CafNumbers;

        caf.Should().ContainSingle().Which.Value.Should().Be(expected);
        At(text, caf[0].Span).Should().Be(printed);
    }

    [Theory]
    [InlineData("Téléphone : 0556432100 - 1234567")]                      // no label
    [InlineData("N° allocataire : 12345678")]                              // 8 digits
    [InlineData("N° allocataire : 123456")]                                // 6 digits
    [InlineData("CAF de la Gironde, 50 rue du Docteur Nancel Pénard, 33000 Bordeaux, accueil du lundi au vendredi 1234567")]
    public void Ignores_numbers_that_are_not_caf_numbers(string text)
    {
        IdentifierExtractor.Extract(text).CafNumbers.Should().BeEmpty();
    }

    // ---- Case numbers ------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("Dossier n° APA-2024-00123 suivi par", "APA-2024-00123", "APA-2024-00123")]
    [InlineData("Réf. : APA - 2024 - 00123", "APA-2024-00123", "APA - 2024 - 00123")]
    [InlineData("Votre dossier PCH–2019–04567 a été examiné", "PCH-2019-04567", "PCH–2019–04567")]
    [InlineData("ASH 2O21 OO77", "ASH-2021-0077", "ASH 2O21 OO77")]
    [InlineData("n/réf AS-2022-00042.", "AS-2022-00042", "AS-2022-00042")]
    [InlineData("ASE_2020_12345", "ASE-2020-12345", "ASE_2020_12345")]
    public void Finds_case_numbers_despite_ocr_spacing_and_dashes(string text, string expected, string printed)
    {
        var cases = IdentifierExtractor.Extract(text).CaseNumbers;

        cases.Should().ContainSingle().Which.Value.Should().Be(expected);
        At(text, cases[0].Span).Should().Be(printed);
    }

    [Theory]
    [InlineData("Facture FA-2024-00012")]
    [InlineData("Cerfa CERFA-2019-00012")]
    [InlineData("il n'y a pas-2024-00012 ici")]
    [InlineData("APA-3024-00123")] // not a year
    public void Ignores_references_that_are_not_case_numbers(string text)
    {
        IdentifierExtractor.Extract(text).CaseNumbers.Should().BeEmpty();
    }

    [Fact]
    public void Reads_case_prefixes_given_by_the_deployment()
    {
        var options = new IdentifierExtractionOptions { CasePrefixes = ["ACS"] };

        IdentifierExtractor.Extract("dossier ACS-2024-00001", options).CaseNumbers.Single().Value.Should().Be("ACS-2024-00001");
        IdentifierExtractor.Extract("dossier APA-2024-00001", options).CaseNumbers.Should().BeEmpty();
    }

    // ---- Names -------------------------------------------------------------------------------------------------

    [Fact]
    public void Pairs_last_and_first_name_fields_of_a_form()
    {
        var text = "Nom : DUPONT          Prénom : Marie-Thérèse\nAdresse : 12 rue des Lilas";
        var names = IdentifierExtractor.Extract(text).Names;

        var name = names.Should().ContainSingle().Subject;
        name.Name.Should().Be(new PersonName("DUPONT", "Marie-Thérèse"));
        name.Source.Should().Be(NameSource.SubjectField);
        At(text, name.Span).Should().StartWith("DUPONT").And.EndWith("Marie-Thérèse");
    }

    [Fact]
    public void Birth_and_usage_names_both_pair_with_the_first_name()
    {
        var text = "NOM DE NAISSANCE : MARTIN\nNOM D'USAGE : DUPONT\nPRENOM(S) : Marie Jeanne\nNé(e) le : 03/05/1942";
        var names = IdentifierExtractor.Extract(text).Names.Select(n => n.Name).ToList();

        names.Should().BeEquivalentTo([new PersonName("MARTIN", "Marie Jeanne"), new PersonName("DUPONT", "Marie Jeanne")]);
    }

    [Theory]
    [InlineData("Madame Marie DUPONT\n12 rue des Lilas", "DUPONT", "Marie", "Marie DUPONT")]
    [InlineData("Mme DUPONT Marie, née le 3 mai 1942", "DUPONT", "Marie", "DUPONT Marie")]
    [InlineData("M. DE LA FONTAINE Jean-Pierre", "DE LA FONTAINE", "Jean-Pierre", "DE LA FONTAINE Jean-Pierre")]
    [InlineData("Monsieur N'DIAYE Mamadou", "N'DIAYE", "Mamadou", "N'DIAYE Mamadou")]
    [InlineData("Mme LE GALL Anne-Sophie est priée de", "LE GALL", "Anne-Sophie", "LE GALL Anne-Sophie")]
    public void Reads_names_after_a_civility(string text, string last, string first, string printed)
    {
        var name = IdentifierExtractor.Extract(text).Names.Should().ContainSingle().Subject;

        name.Name.Should().Be(new PersonName(last, first));
        name.Source.Should().Be(NameSource.Civility);
        name.OrderKnown.Should().BeTrue();
        At(text, name.Span).Should().Be(printed);
    }

    [Fact]
    public void A_civility_with_a_single_word_gives_a_last_name()
    {
        var name = IdentifierExtractor.Extract("Madame Dupont,\nsuite à votre demande").Names.Should().ContainSingle().Subject;

        name.Name.Should().Be(new PersonName("Dupont", null));
    }

    [Fact]
    public void Mixed_case_name_after_civility_has_an_unknown_order()
    {
        var name = IdentifierExtractor.Extract("Monsieur Jean de La Fontaine\n").Names.Should().ContainSingle().Subject;

        name.OrderKnown.Should().BeFalse();
        NameComparer.SameName(name.Name, new PersonName("DE LA FONTAINE", "Jean"), name.OrderKnown).Should().BeTrue();
    }

    [Theory]
    [InlineData("Bénéficiaire : DUPONT Marie\n", "DUPONT", "Marie")]
    [InlineData("Résident : Jeanne FAURE (chambre 12)", "FAURE", "Jeanne")]
    [InlineData("Titulaire du compte : LEFÈVRE Gérard", "LEFÈVRE", "Gérard")]
    public void Reads_administrative_upper_case_names(string text, string last, string first)
    {
        var name = IdentifierExtractor.Extract(text).Names.Should().ContainSingle().Subject;

        name.Name.Should().Be(new PersonName(last, first));
        name.Source.Should().Be(NameSource.UpperCaseForm);
    }

    [Fact]
    public void Tolerates_ocr_digits_inside_a_name()
    {
        var name = IdentifierExtractor.Extract("Nom: DUP0NT Prenom: Marie").Names.Should().ContainSingle().Subject;

        NameComparer.SameName(name.Name, new PersonName("DUPONT", "Marie")).Should().BeTrue();
    }

    [Fact]
    public void Names_in_fields_about_someone_else_are_marked_as_such()
    {
        var text = "Nom du tuteur : MARTIN\nPrénom du tuteur : Paul\n\nReprésentant légal\nNom : LEROY\nPrénom : Henri";
        var names = IdentifierExtractor.Extract(text).Names;

        names.Select(n => (n.Name, n.Source)).Should().BeEquivalentTo(new[]
        {
            (new PersonName("MARTIN", "Paul"), NameSource.OtherField),
            (new PersonName("LEROY", "Henri"), NameSource.OtherField),
        });
    }

    [Theory]
    [InlineData("CERTIFICAT MEDICAL\nJe soussigné")]
    [InlineData("AVIS D'IMPOT Sur les revenus 2023")]
    [InlineData("DEPARTEMENT DE LA GIRONDE Direction des solidarités")]
    [InlineData("Je soussigné Dr MARTIN Paul certifie")]
    [InlineData("au nom de la commission")]
    public void Headings_professionals_and_prose_are_not_names(string text)
    {
        IdentifierExtractor.Extract(text).Names.Should().BeEmpty();
    }

    // ---- Birth dates -------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("Né(e) le : 03/05/1942 à Bordeaux", 1942, 5, 3, "03/05/1942")]
    [InlineData("née le 3 mai 1942", 1942, 5, 3, "3 mai 1942")]
    [InlineData("Date de naissance 1er janvier 1930", 1930, 1, 1, "1er janvier 1930")]
    [InlineData("Date de naissance : O3/O5/l942", 1942, 5, 3, "O3/O5/l942")]
    [InlineData("né le 12.06.60", 1960, 6, 12, "12.06.60")]
    [InlineData("DATE DE NAISSANCE\n25 / 12 / 1938", 1938, 12, 25, "25 / 12 / 1938")]
    [InlineData("Né(e) le 14 août 1929", 1929, 8, 14, "14 août 1929")]
    public void Finds_birth_dates_after_their_label(string text, int year, int month, int day, string printed)
    {
        var date = IdentifierExtractor.Extract(text).BirthDates.Should().ContainSingle().Subject;

        date.Date.Should().Be(new DateOnly(year, month, day));
        At(text, date.Span).Should().Be(printed);
    }

    [Theory]
    [InlineData("Fait à Bordeaux le 03/05/2024")]   // not a birth date
    [InlineData("née le 31/02/1950")]               // no such day
    [InlineData("née le 03/05/2199")]               // in the future
    public void Ignores_dates_that_are_not_birth_dates(string text)
    {
        IdentifierExtractor.Extract(text).BirthDates.Should().BeEmpty();
    }

    // ---- IBAN --------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("IBAN : FR76 3000 6000 0112 3456 7890 189\nBIC AGRIFRPP", "FR7630006000011234567890189", "FR76 3000 6000 0112 3456 7890 189")]
    [InlineData("IBAN FR14 2004 1010 0505 0001 3M02 606", "FR1420041010050500013M02606", "FR14 2004 1010 0505 0001 3M02 606")]
    [InlineData("iban:FR7630006000011234567890189", "FR7630006000011234567890189", "FR7630006000011234567890189")]
    public void Finds_ibans_whose_check_digits_hold(string text, string expected, string printed)
    {
        var iban = IdentifierExtractor.Extract(text).Ibans.Should().ContainSingle().Subject;

        iban.Value.Should().Be(expected);
        iban.Corrected.Should().BeFalse();
        At(text, iban.Span).Should().Be(printed);
        Iban.IsValid(expected).Should().BeTrue();
    }

    [Fact]
    public void Corrects_look_alike_letters_in_the_digit_fields_of_an_iban()
    {
        var iban = IdentifierExtractor.Extract("IBAN FR76 3OOO 6000 0112 3456 7890 l89").Ibans.Should().ContainSingle().Subject;

        iban.Value.Should().Be("FR7630006000011234567890189");
        iban.Corrected.Should().BeTrue();
        iban.ToString().Should().NotContain("0112");
    }

    [Theory]
    [InlineData("IBAN FR76 3000 6000 0112 3456 7890 188")] // one digit changed
    [InlineData("IBAN FR76 3000 6000 0112 3465 7890 189")] // two digits swapped
    [InlineData("FRANCE TELECOM ORANGE SA AU CAPITAL DE 10 MILLIONS")]
    public void Rejects_ibans_whose_check_fails(string text)
    {
        IdentifierExtractor.Extract(text).Ibans.Should().BeEmpty();
    }

    // ---- Postcodes and addresses -------------------------------------------------------------------------------

    [Fact]
    public void Finds_a_street_address_with_its_postcode_and_city_on_the_next_line()
    {
        var text = "Mme DUPONT Marie\n12 bis rue des Lilas\n33000 BORDEAUX\nTél. 05 56 00 00 00";
        var ids = IdentifierExtractor.Extract(text);

        var address = ids.Addresses.Should().ContainSingle().Subject;
        address.Street.Should().Be("12 bis rue des Lilas");
        address.Postcode.Should().Be("33000");
        address.City.Should().Be("BORDEAUX");
        At(text, address.Span).Should().Be("12 bis rue des Lilas\n33000 BORDEAUX");
        ids.Postcodes.Should().ContainSingle().Which.Value.Should().Be("33000");
    }

    [Theory]
    [InlineData("5, avenue Thiers 33100 Bordeaux", "5, avenue Thiers", "33100", "Bordeaux")]
    [InlineData("Résidence Les Pins, apt 12, 8 allée des Chênes 33600 PESSAC", "8 allée des Chênes", "33600", "PESSAC")]
    [InlineData("Adresse : 3 chemin du Moulin - 24000 Périgueux", "3 chemin du Moulin -", "24000", "Périgueux")]
    [InlineData("14 cours de la Marne\n20000 AJACCIO", "14 cours de la Marne", "20000", "AJACCIO")]
    public void Finds_street_addresses(string text, string street, string postcode, string city)
    {
        var address = IdentifierExtractor.Extract(text).Addresses.Should().ContainSingle().Subject;

        address.Street.Should().Be(street);
        address.Postcode.Should().Be(postcode);
        address.City.Should().Be(city);
    }

    [Theory]
    [InlineData("Montant total : 12345 EUR", null)]
    [InlineData("Code postal : 33700", "33700")]
    [InlineData("00123 NOWHERE", null)]
    [InlineData("99000 ABROAD", null)]
    public void Postcodes_need_a_city_or_a_label(string text, string? expected)
    {
        var postcodes = IdentifierExtractor.Extract(text).Postcodes;

        if (expected is null) postcodes.Should().BeEmpty();
        else postcodes.Should().ContainSingle().Which.Value.Should().Be(expected);
    }

    // ---- A whole noisy page ------------------------------------------------------------------------------------

    [Fact]
    public void Reads_every_identifier_of_a_noisy_application_form_with_offsets()
    {
        const string text = """
            DEPARTEMENT DE LA GIRONDE - Pôle solidarités
            DEMANDE D'ALLOCATION PERSONNALISEE D'AUTONOMIE
            Dossier n° : APA - 2024 - 00123
            Nom : DUPONT               Prenom : Marie
            Nom de naissance : MARTIN
            Ne(e) le : O3/05/1942   à BORDEAUX (33)
            N° sécurité sociale : 2 42 O5 33 063 042 46
            N° allocataire CAF : 1234567
            Adresse : 12 bis rue des Lilas
            33000 BORDEAUX
            Coordonnées bancaires : IBAN FR76 3000 6000 0112 3456 7890 189
            Personne à prévenir : Mme DURAND Sophie (fille)
            """;
        var nir = Nir.FromBody("2420533063042");
        var printedNir = text.Substring(text.IndexOf("2 42", StringComparison.Ordinal), 21);
        // The test text was written with the key of this body; a different key would mean the vector is wrong.
        printedNir.Replace("O", "0", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).Should().Be(nir.Value);

        var ids = IdentifierExtractor.Extract(text);

        ids.Nirs.Should().ContainSingle().Which.Nir.Should().Be(nir);
        At(text, ids.Nirs[0].Span).Should().Be(printedNir);
        ids.CaseNumbers.Single().Value.Should().Be("APA-2024-00123");
        ids.CafNumbers.Single().Value.Should().Be("1234567");
        ids.BirthDates.Single().Date.Should().Be(new DateOnly(1942, 5, 3));
        ids.Ibans.Single().Value.Should().Be("FR7630006000011234567890189");
        ids.Addresses.Single().Postcode.Should().Be("33000");
        ids.Names.Select(n => n.Name).Should().Contain([new PersonName("DUPONT", "Marie"), new PersonName("MARTIN", "Marie"), new PersonName("DURAND", "Sophie")]);
        ids.HasStrongIdentifier.Should().BeTrue();
        foreach (var name in ids.Names) At(text, name.Span).Should().Contain(name.Name.LastName);
    }

    [Fact]
    public void Empty_text_has_no_identifiers()
    {
        IdentifierExtractor.Extract("").Should().BeSameAs(ExtractedIdentifiers.Empty);
        ExtractedIdentifiers.Empty.HasStrongIdentifier.Should().BeFalse();
    }

    [Fact]
    public void Identity_documents_bilingual_labels_and_spaced_birth_dates_are_read()
    {
        // What OCR gives for the French identity card: English glosses after each label, a date with spaces only.
        var text = "CARTE NATIONALE D'IDENTITÉ / IDENTITY CARD\n\nNOM / Surname CRÉPIN\n\nPrénoms / Given names Germaine, Louise\n\n" +
                   "Sexe / Sex F Nationalité FRA\n\nDate de naiss. / Date of bith 17 04 1950\n\nLieu de naissance / Place of birth CASABLANCA (MAROC)";

        var ids = IdentifierExtractor.Extract(text);

        ids.Names.Should().Contain(n => n.Name == new PersonName("CRÉPIN", "Germaine") && n.Source == NameSource.SubjectField);
        ids.Names.Should().NotContain(n => n.Name.FirstName == "Surname" || n.Name.LastName == "Surname");
        ids.BirthDates.Should().ContainSingle().Which.Date.Should().Be(new DateOnly(1950, 4, 17));
        // Without a birth label, spaced digits are no date.
        IdentifierExtractor.Extract("Téléphone 05 56 12 34 56 — réf 17 04 1950").BirthDates.Should().BeEmpty();
    }

    [Fact]
    public void A_table_border_between_label_and_value_does_not_hide_the_name()
    {
        var ids = IdentifierExtractor.Extract("Patient(e)\n\nNom | ROBIN\nPrénom Chloé”\n-Date de naissance . 02/05/1990");

        ids.Names.Should().Contain(n => n.Name == new PersonName("ROBIN", "Chloé") && n.Source == NameSource.SubjectField);
        ids.BirthDates.Should().ContainSingle().Which.Date.Should().Be(new DateOnly(1990, 5, 2));
    }

    [Fact]
    public void Ocr_noise_in_a_form_field_is_neither_a_first_name_nor_a_name()
    {
        // "Prénom(s) Se - | Solange": two stray letters must not become a first name that contradicts the person.
        var form = IdentifierExtractor.Extract("Nom _ | BESANCON\n\nPrénom(s) Se - | Solange\n\nNé(e).le \"| 23/04/1942 |");
        form.Names.Should().Contain(n => n.Source == NameSource.SubjectField && n.Name.LastName == "BESANCON" && n.Name.FirstName == null);
        form.Names.Should().NotContain(n => n.Name.FirstName == "Se");

        // "Natonalté FRA": a misread label word followed by a country code is no person.
        var card = IdentifierExtractor.Extract("NOM / Surname BENALI\nPrenoms / Givennames Noél, Paul\nSexe / Sex M Natonalté FRA\nDate de naiss. / Date of bith 22 08 1927");
        card.Names.Should().ContainSingle().Which.Name.Should().Be(new PersonName("BENALI", "Noél"));
        card.BirthDates.Should().ContainSingle().Which.Date.Should().Be(new DateOnly(1927, 8, 22));
    }

    [Theory]
    [InlineData("Nom DUPRAT\nPrénom Daniel\nDate de naissance 13/07/1944", "DUPRAT", "Daniel", 1944, 7, 13)]
    [InlineData("NOM /Sumame ANDRE\nPrénoms / Given names Éliane\nDate de naiss. / Date of birth 05 08 1938", "ANDRE", "Éliane", 1938, 8, 5)]
    [InlineData("NOM / Surname BEN SALAH\nprénoms 7 Given names Francis\nDate de naiss. / Date of birth 08 12 1926", "BEN SALAH", "Francis", 1926, 12, 8)]
    [InlineData("EF NOM /Sumame LE GOFF\nPrénoms / Given names Roger, Josèphe\nDate de naiss. / Date af bith 10,11 1947", "LE GOFF", "Roger", 1947, 11, 10)]
    [InlineData("Nom / Surname PÉREZ\nPrénoms / Given names Roger, Marie\nDate de naissance 01,05,1955", "PÉREZ", "Roger", 1955, 5, 1)]
    [InlineData("Madame Françoise GUÉRIN, née le 5 5 août 1927 à Libourne (33)", "GUÉRIN", "Françoise", 1927, 8, 5)]
    public void Name_fields_and_birth_dates_as_ocr_reads_them(string text, string last, string first, int year, int month, int day)
    {
        var ids = IdentifierExtractor.Extract(text);

        ids.Names.Should().Contain(n => (n.Source == NameSource.SubjectField || n.Source == NameSource.Civility) && n.Name == new PersonName(last, first));
        ids.BirthDates.Should().ContainSingle().Which.Date.Should().Be(new DateOnly(year, month, day));
    }

    [Fact]
    public void Common_first_names_close_to_label_words_are_still_names()
    {
        IdentifierExtractor.Extract("FACTURE D'EAU Mme Françoise GUÉRIN").Names.Select(n => n.Name)
            .Should().Contain(new PersonName("GUÉRIN", "Françoise"));
        IdentifierExtractor.Extract("Avis d'impôt 2024 — MME CAZENAVE FRANCOISE").Names
            .Should().Contain(n => n.Name.LastName == "CAZENAVE" && n.Name.FirstName == "FRANCOISE");
    }

    [Fact]
    public void An_address_column_interleaved_with_another_column_keeps_its_postcode()
    {
        // A tax notice: OCR reads the left column's lines between the lines of the addressee block on the right.
        var text = " Vos références\n                                   M SIMON STEPHANE\n Numéro fiscal : 3687379437488\n" +
                   "                                   113 ROUTE DE TOULOUSE\n N° d'accès en ligne : 0859135\n" +
                   "                                   33210 LANGON\n Revenu fiscal de référence : 9332";

        var address = IdentifierExtractor.Extract(text).Addresses.Should().ContainSingle().Subject;

        address.Street.Should().Be("113 ROUTE DE TOULOUSE");
        address.Postcode.Should().Be("33210");
        address.City.Should().Be("LANGON");
    }
}
