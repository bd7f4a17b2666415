using CaptureChain.Corpus.Population;

namespace CaptureChain.Corpus.Documents;

/// <summary>Application forms and medical certificates.</summary>
internal static partial class Templates
{
    // ---- demande_apa --------------------------------------------------------------------------------------

    private static void DemandeApa(DocumentDraft d)
    {
        var p = d.Subject;
        var variant = d.PickVariant(3);
        d.Style = HouseStyle.Pick(d.Rng);
        var atHome = d.Chance(75);
        d.Title = atHome
            ? d.Pick("DEMANDE D'ALLOCATION PERSONNALISÉE D'AUTONOMIE", "Demande d'aide à l'autonomie à domicile",
                "DOSSIER DE DEMANDE D'APA À DOMICILE", "Demande d'Allocation Personnalisée d'Autonomie (APA)")
            : d.Pick("DEMANDE D'APA EN ÉTABLISSEMENT", "Allocation personnalisée d'autonomie — demande en établissement");
        var kind = d.Pick("Première demande", "Demande de révision", "Renouvellement");
        var nirPrinted = d.Chance(88);
        var cafPrinted = p.CafNumber is not null && d.Chance(30);
        var casePrinted = kind != "Première demande" && p.CaseNumber is not null && d.Chance(35);
        var maidenName = p.Sex == 'F' && p.BirthDate.Year < 1962 && d.Chance(25)
            ? d.Pick("MARTIN", "BERNARD", "FAURE", "LABORDE", "ROUSSEAU", "GIRAUD", "DUMAS") : null;
        var (relName, relRole, _) = Relative(d);
        var phone = "05 " + string.Join(' ', Enumerable.Range(0, 4).Select(_ => Digits(d.Rng, 2)));
        var header = DepartementHeader(d);
        var cerfa = d.Chance(50) ? $"cerfa n° 16301*0{d.Rng.Next(1, 3)}" : null;
        var pages = d.PickPages(2, 4);
        d.Printed = new PrintedIdentifiers
        {
            Name = p.FullName(), BirthDate = p.BirthDate, Address = true, BirthPlace = p.BirthPlace,
            Nir = nirPrinted ? p.Nir : null, CafNumber = cafPrinted ? p.CafNumber : null,
            CaseNumber = casePrinted ? p.CaseNumber : null, OtherPersonName = relName, OtherPersonRole = "personne à contacter",
        };
        var runningHeader = d.Chance(50);
        var logo = d.Rng.Next(5);

        d.Pages.Add(w =>
        {
            w.Logo(w.Left, w.Y, logo);
            var hy = w.Y + 4;
            foreach (var h in header) { w.Text(w.Left + 28, hy, h, w.Style.BodySize - 1, bold: h == header[0]); hy += 4.2; }
            if (cerfa is not null) w.Text(w.Right - w.Measure(cerfa, 8) , w.Y + 4, cerfa, 8);
            w.Y += 22;
            w.Centered(d.Title, w.Style.BodySize + 5, bold: true);
            w.Centered(kind + (atHome ? " — à domicile" : " — en établissement"), w.Style.BodySize + 1, italic: true);
            w.Gap(3);
            switch (variant)
            {
                case 0:
                    w.Section("1. IDENTITÉ DU DEMANDEUR", band: true);
                    w.Gap(5);
                    w.BoxField(w.Left, w.Y, 85, "Nom de naissance", (maidenName ?? p.UpperLastName()));
                    w.BoxField(w.Left + 90, w.Y, w.Width - 90, "Nom d'usage", maidenName is null ? "" : p.UpperLastName());
                    w.Y += 15;
                    w.BoxField(w.Left, w.Y, 85, "Prénom(s)", p.FirstName);
                    w.BoxField(w.Left + 90, w.Y, 40, "Date de naissance", p.BirthDateSlashed);
                    w.BoxField(w.Left + 135, w.Y, w.Width - 135, "Sexe", p.Sex.ToString());
                    w.Y += 15;
                    w.BoxField(w.Left, w.Y, w.Width, "Lieu de naissance (commune, département ou pays)", p.BirthPlace);
                    w.Y += 16;
                    if (nirPrinted) w.CombField(w.Left, w.Y, "N° de sécurité sociale (NIR)", p.NirSpaced);
                    else w.BoxField(w.Left, w.Y, 95, "N° de sécurité sociale (NIR)", "");
                    w.Y += 14;
                    w.BoxField(w.Left, w.Y, w.Width, "Adresse", p.Address);
                    w.Y += 15;
                    w.BoxField(w.Left, w.Y, 30, "Code postal", p.Postcode);
                    w.BoxField(w.Left + 35, w.Y, 95, "Commune", p.City);
                    w.BoxField(w.Left + 135, w.Y, w.Width - 135, "Téléphone", phone);
                    w.Y += 15;
                    if (cafPrinted || casePrinted)
                    {
                        w.BoxField(w.Left, w.Y, 60, "N° allocataire CAF / MSA", cafPrinted ? p.CafNumber! : "");
                        w.BoxField(w.Left + 65, w.Y, 70, "N° de dossier (si connu)", casePrinted ? p.CaseNumber! : "");
                        w.Y += 15;
                    }
                    break;
                case 1:
                    w.Section("Vous, le demandeur", band: false);
                    var rows = new List<IReadOnlyList<string>>
                    {
                        new[] { "Civilité", p.Civility },
                        new[] { "Nom", p.UpperLastName() + (maidenName is null ? "" : $" (née {maidenName})") },
                        new[] { "Prénom(s)", p.FirstName },
                        new[] { "Né(e) le", p.BirthDateSlashed },
                        new[] { "À", p.BirthPlace },
                        new[] { "N° de sécurité sociale", nirPrinted ? p.NirSpaced : "" },
                        new[] { "Adresse", p.Address },
                        new[] { "Code postal — Commune", $"{p.Postcode} {p.City}" },
                        new[] { "Téléphone", phone },
                    };
                    if (cafPrinted) rows.Add(new[] { "N° d'allocataire CAF", p.CafNumber! });
                    if (casePrinted) rows.Add(new[] { "N° de dossier", p.CaseNumber! });
                    w.Table(["Rubrique", "Renseignements"], rows, [55, w.Width - 55], size: w.Style.BodySize);
                    break;
                default:
                    w.Section("IDENTIFICATION", band: d.Chance(50));
                    w.Field("Nom", p.UpperLastName(keepAccents: false), monoValue: true);
                    if (maidenName is not null) w.Field("Nom de naissance", maidenName, monoValue: true);
                    w.Field("Prénom", p.FirstName, monoValue: true);
                    w.Field("Date de naissance", p.BirthDateSlashed, monoValue: true);
                    w.Field("Lieu de naissance", p.BirthPlace, monoValue: true);
                    if (nirPrinted) w.Field("N° d'immatriculation sécurité sociale", p.NirSpaced, monoValue: true);
                    else w.Field("N° d'immatriculation sécurité sociale", "..............................", monoValue: true);
                    w.Field("Adresse", $"{p.Address}, {p.Postcode} {p.City}", monoValue: true);
                    w.Field("Téléphone", phone, monoValue: true);
                    if (cafPrinted) w.Field("N° allocataire", p.CafNumber!, monoValue: true);
                    if (casePrinted) w.Field("Référence dossier", p.CaseNumber!, monoValue: true);
                    break;
            }
            w.Section("2. SITUATION FAMILIALE", band: variant == 0);
            w.CheckboxLine([("Célibataire", false), ("Marié(e)", d.Chance(30)), ("Veuf(ve)", d.Chance(50)), ("Divorcé(e)", false), ("Pacsé(e)", false)]);
            w.CheckboxLine([("Vit seul(e)", d.Chance(60)), ("Vit en couple", d.Chance(30)), ("Vit chez un proche", d.Chance(10))]);
            w.Gap(4);
            w.Canvas.StrokeRect(w.Left, w.Y, w.Width, 22, 0.3);
            w.Text(w.Left + 2, w.Y + 5, "Cadre réservé à l'administration", w.Style.BodySize - 1, bold: true);
            w.Text(w.Left + 2, w.Y + 11, "Date de réception : ____/____/________", w.Style.BodySize - 1);
            w.Text(w.Left + 2, w.Y + 17, "Dossier complet :   oui  /  non", w.Style.BodySize - 1);
            w.Footer(d.Pick("Conseil départemental de la Gironde — APA", "Formulaire APA", ""), 1, pages, numbered: d.Chance(70));
        });

        if (pages >= 2) d.Pages.Add(w =>
        {
            if (runningHeader) w.Line($"Demandeur : {p.FormalName()}", w.Style.BodySize - 1, italic: true);
            w.Section("3. PERSONNE À CONTACTER / AIDANT", band: variant == 0);
            w.Field("Nom et prénom", relName);
            w.Field("Lien avec le demandeur", relRole);
            w.Field("Téléphone", "06 " + string.Join(' ', Enumerable.Range(0, 4).Select(_ => Digits(w.Rng, 2))));
            w.Section("4. MODE DE VIE ET BESOINS", band: variant == 0);
            w.Paragraph("Décrivez en quelques mots les difficultés rencontrées dans la vie quotidienne :");
            w.Paragraph(w.Rng.Next(3) switch
            {
                0 => "Difficultés pour la toilette et l'habillage, chutes répétées depuis l'hiver dernier. Ne sort plus seul(e).",
                1 => "Besoin d'aide pour les courses, le ménage et la préparation des repas. Troubles de la mémoire débutants.",
                _ => "Se déplace avec un déambulateur, aide nécessaire pour le lever et le coucher. Portage de repas en place.",
            }, italic: true, font: w.Style.MonoFont);
            w.Section("5. AIDES DÉJÀ EN PLACE", band: variant == 0);
            w.CheckboxLine([("Aide à domicile", w.Rng.Next(2) == 0), ("Portage de repas", w.Rng.Next(2) == 0), ("Téléassistance", w.Rng.Next(2) == 0)]);
            w.CheckboxLine([("Soins infirmiers", w.Rng.Next(2) == 0), ("Accueil de jour", false), ("Aucune", false)]);
            w.Section("6. RESSOURCES", band: variant == 0);
            w.Table(["Nature des ressources", "Montant annuel"],
                [
                    ["Pensions de retraite", Euros(9000 + w.Rng.Next(0, 15000))],
                    ["Pension de réversion", w.Rng.Next(2) == 0 ? Euros(1200 + w.Rng.Next(0, 4000)) : "—"],
                    ["Revenus fonciers", "—"],
                    ["Revenus de capitaux", Euros(w.Rng.Next(0, 900))],
                ], [110, 50]);
            w.Footer("", 2, pages, numbered: true);
        });

        if (pages >= 3) d.Pages.Add(w =>
        {
            w.Section("7. DÉCLARATION SUR L'HONNEUR", band: variant == 0);
            w.Paragraph($"Je soussigné(e) {p.FullName()} certifie sur l'honneur l'exactitude des renseignements portés sur ce formulaire " +
                        "et m'engage à signaler tout changement de situation au Département.");
            foreach (var s in AdministrativeProse.Take(3)) w.Paragraph(s, w.Style.BodySize - 1);
            w.Gap(6);
            w.Line($"Fait à {p.City}, le {Slashed(d.IssueDate)}");
            w.Line("Signature du demandeur ou de son représentant légal :");
            w.Signature(w.Left + 20, w.Y + 12);
            w.Footer("", 3, pages, numbered: true);
        });

        if (pages >= 4) d.Pages.Add(w =>
        {
            w.Centered("PIÈCES À JOINDRE À VOTRE DEMANDE", w.Style.BodySize + 2, bold: true);
            w.Gap(4);
            foreach (var piece in new[]
                     {
                         "Photocopie du livret de famille, de la carte d'identité ou du passeport",
                         "Photocopie du dernier avis d'imposition ou de non-imposition",
                         "Relevé d'identité bancaire (RIB) au nom du demandeur",
                         "Le cas échéant, copie du jugement de protection (tutelle, curatelle)",
                         "Photocopie de la taxe foncière si vous êtes propriétaire",
                         "Justificatif de domicile de moins de trois mois",
                     })
            {
                w.CheckboxLine([(piece, w.Rng.Next(3) > 0)]);
            }
            w.Gap(6);
            w.Paragraph("Le dossier est à retourner complet à l'adresse suivante :");
            foreach (var h in header) w.Line(h, indent: 10);
            w.Footer("", 4, pages, numbered: true);
        });
    }

    // ---- demande_mdph ------------------------------------------------------------------------------------

    private static void DemandeMdph(DocumentDraft d)
    {
        var p = d.Subject;
        var variant = d.PickVariant(3);
        d.Style = HouseStyle.Pick(d.Rng);
        d.Title = d.Pick("Formulaire de demande(s) auprès de la MDPH", "DEMANDE AUPRÈS DE LA MAISON DÉPARTEMENTALE DES PERSONNES HANDICAPÉES",
            "Demande de prestation de compensation du handicap (PCH)", "Demande de carte mobilité inclusion et de droits MDPH");
        var nirPrinted = d.Chance(92);
        var caf = p.CafNumber;
        var casePrinted = p.CaseNumber is not null && d.Chance(15);
        var pages = d.PickPages(2, 4);
        var (relName, relRole, _) = Relative(d);
        var minor = p.BirthDate.Year >= 2006;
        d.Printed = new PrintedIdentifiers
        {
            Name = p.FullName(), BirthDate = p.BirthDate, Address = true, Nir = nirPrinted ? p.Nir : null,
            CafNumber = caf, CaseNumber = casePrinted ? p.CaseNumber : null,
            OtherPersonName = minor ? relName : null, OtherPersonRole = minor ? "représentant légal" : null,
        };
        var logo = d.Rng.Next(5);
        var organisme = d.Pick("CPAM de la Gironde", "MSA Gironde", "CPAM de Bordeaux");

        d.Pages.Add(w =>
        {
            w.Logo(w.Left, w.Y, logo, 12);
            w.Text(w.Left + 24, w.Y + 5, "MDPH de la Gironde", w.Style.BodySize + 1, bold: true);
            w.Text(w.Left + 24, w.Y + 10, "Maison départementale des personnes handicapées", w.Style.BodySize - 1);
            w.Text(w.Right - 30, w.Y + 5, "cerfa", 11, bold: true);
            w.Text(w.Right - 30, w.Y + 10, "N° 15692*01", 8);
            w.Y += 20;
            w.Centered(d.Title, w.Style.BodySize + 4, bold: true);
            w.Gap(2);
            w.Section(variant == 1 ? "A — IDENTITÉ DE LA PERSONNE CONCERNÉE PAR LA DEMANDE" : "A. Identité de l'enfant ou de l'adulte concerné", band: variant != 2);
            if (variant == 0)
            {
                w.Gap(5);
                w.BoxField(w.Left, w.Y, 90, "Nom de naissance", p.UpperLastName());
                w.BoxField(w.Left + 95, w.Y, w.Width - 95, "Prénom(s)", p.FirstName);
                w.Y += 15;
                w.BoxField(w.Left, w.Y, 40, "Date de naissance", p.BirthDateSlashed);
                w.BoxField(w.Left + 45, w.Y, w.Width - 45, "Commune de naissance", p.BirthPlace);
                w.Y += 16;
                if (nirPrinted) w.CombField(w.Left, w.Y, "Numéro de sécurité sociale", p.NirSpaced);
                else w.BoxField(w.Left, w.Y, 95, "Numéro de sécurité sociale", "");
                w.Y += 14;
                w.BoxField(w.Left, w.Y, 70, "Organisme d'assurance maladie", organisme);
                w.BoxField(w.Left + 75, w.Y, 55, "N° d'allocataire CAF", caf ?? "");
                w.Y += 15;
                w.BoxField(w.Left, w.Y, w.Width, "Adresse", $"{p.Address}, {p.Postcode} {p.City}");
                w.Y += 14;
            }
            else
            {
                w.Field("Nom", p.UpperLastName());
                w.Field("Prénom(s)", p.FirstName);
                w.Field("Sexe", p.Sex == 'F' ? "Féminin" : "Masculin");
                w.Field("Date de naissance", p.BirthDateSlashed);
                w.Field("Lieu de naissance", p.BirthPlace);
                w.Field("N° de sécurité sociale", nirPrinted ? p.NirSpaced : "|__|__|__|__|__|__|__|");
                w.Field("Organisme de sécurité sociale", organisme);
                w.Field("N° d'allocataire CAF ou MSA", caf ?? "néant");
                w.Field("Adresse", p.Address);
                w.Field("Code postal / Commune", $"{p.Postcode} {p.City}");
                if (casePrinted) w.Field("N° de dossier MDPH", p.CaseNumber!);
            }
            if (minor)
            {
                w.Section("Autorité parentale ou délégation d'autorité parentale", band: variant != 2);
                w.Field("Nom, prénom", relName);
                w.Field("Qualité", relRole);
            }
            w.Section("Situation de la personne", band: variant != 2);
            w.CheckboxLine([("Vit à domicile", true), ("Est hébergée en établissement", false), ("Autre", false)]);
            w.CheckboxLine([("Vit seule", w.Rng.Next(2) == 0), ("Vit en couple", w.Rng.Next(3) == 0), ("Vit chez ses parents", minor)]);
            w.Section("Coordonnées", band: variant != 2);
            w.Field("Téléphone", "06 " + string.Join(' ', Enumerable.Range(0, 4).Select(_ => Digits(w.Rng, 2))));
            w.Field("Adresse électronique", Person.StripAccents(p.FirstName).ToLowerInvariant().Replace(' ', '.') + "." +
                                              Person.StripAccents(p.LastName).ToLowerInvariant().Replace(' ', '-').Replace("'", "") + "@" + w.Rng.Next(3) switch { 0 => "orange.fr", 1 => "gmail.com", _ => "laposte.net" });
            w.CheckboxLine([("J'accepte de recevoir les courriers par voie électronique", w.Rng.Next(2) == 0)]);
            w.Section("Nature de la demande", band: variant != 2);
            w.CheckboxLine([("Première demande", true), ("Renouvellement", false), ("Révision (changement de situation)", false)]);
            w.Paragraph("Si vous avez déjà un dossier à la MDPH, indiquez votre numéro de dossier ; joignez obligatoirement un certificat " +
                        "médical de moins d'un an et un justificatif d'identité.", w.Style.BodySize - 1, italic: true);
            w.Footer("Formulaire de demande MDPH — cerfa 15692*01", 1, pages, numbered: true);
        });
        if (pages >= 2) d.Pages.Add(w =>
        {
            w.Section("B. VIE QUOTIDIENNE", band: variant != 2);
            w.Paragraph("Quels sont vos besoins dans la vie quotidienne ? (cochez les cases correspondantes)");
            foreach (var row in new[] { ("Se laver", "S'habiller"), ("Faire les courses", "Préparer les repas"), ("Se déplacer à l'extérieur", "Gérer son budget"), ("Communiquer", "Prendre ses médicaments") })
                w.CheckboxLine([(row.Item1, w.Rng.Next(2) == 0), (row.Item2, w.Rng.Next(2) == 0)]);
            w.Section("Vos attentes", band: variant != 2);
            w.Paragraph(w.Rng.Next(2) == 0
                ? "Je souhaite pouvoir rester à mon domicile avec l'aide d'une auxiliaire de vie et aménager ma salle de bain."
                : "Obtenir une aide humaine pour les actes essentiels et une carte de stationnement pour mes rendez-vous médicaux.",
                italic: true, font: w.Style.MonoFont);
            w.Section("C. VIE SCOLAIRE OU ÉTUDIANTE / D. SITUATION PROFESSIONNELLE", band: variant != 2);
            w.CheckboxLine([("Sans emploi", w.Rng.Next(2) == 0), ("En emploi", false), ("Retraité(e)", w.Rng.Next(2) == 0)]);
            w.Footer("", 2, pages, numbered: true);
        });
        if (pages >= 3) d.Pages.Add(w =>
        {
            w.Section("E. DEMANDES DE DROITS OU DE PRESTATIONS", band: variant != 2);
            foreach (var right in new[]
                     {
                         "Allocation aux adultes handicapés (AAH)", "Prestation de compensation du handicap (PCH)",
                         "Carte mobilité inclusion (CMI) mention invalidité", "CMI mention stationnement",
                         "Reconnaissance de la qualité de travailleur handicapé (RQTH)", "Orientation vers un établissement ou service médico-social",
                     })
                w.CheckboxLine([(right, w.Rng.Next(3) == 0 || right.Contains("PCH"))]);
            w.Gap(4);
            foreach (var s in AdministrativeProse.Skip(1).Take(2)) w.Paragraph(s, w.Style.BodySize - 1);
            w.Footer("", 3, pages, numbered: true);
        });
        if (pages >= 4) d.Pages.Add(w =>
        {
            w.Section("F. SIGNATURE", band: variant != 2);
            w.Paragraph("J'atteste sur l'honneur l'exactitude des informations déclarées dans ce formulaire.");
            w.Line($"Fait à {p.City}, le {Slashed(d.IssueDate)}");
            w.Signature(w.Left + 25, w.Y + 14);
            w.Y += 30;
            w.Paragraph("N'oubliez pas de joindre le certificat médical de moins d'un an, un justificatif d'identité et un justificatif de domicile.", w.Style.BodySize - 1);
            w.Footer("", 4, pages, numbered: true);
        });
    }

    // ---- certificat_medical --------------------------------------------------------------------------------

    private static void CertificatMedical(DocumentDraft d)
    {
        var p = d.Subject;
        var variant = d.PickVariant(3);
        d.Style = HouseStyle.Pick(d.Rng, preferSerif: variant == 1);
        var doctor = d.Pick("Pierre VIDAL", "Anne-Laure BESSIÈRE", "Jean-Marc LABAT", "Sophie TRAN", "François DELMAS", "Hélène CASTAING");
        var rpps = "10" + Digits(d.Rng, 9);
        var pages = variant == 0 ? d.PickPages(1, 2) : 1;
        d.Title = variant switch
        {
            0 => d.Pick("CERTIFICAT MÉDICAL", "Certificat médical — demande à la MDPH"),
            1 => d.Pick("CERTIFICAT MÉDICAL", "Certificat médical", "CERTIFICAT"),
            _ => d.Pick("Certificat médical circonstancié", "CERTIFICAT MÉDICAL EN VUE D'UNE DEMANDE D'APA"),
        };
        d.Printed = new PrintedIdentifiers
        {
            Name = p.FullName(), BirthDate = p.BirthDate, OtherPersonName = $"Dr {doctor}", OtherPersonRole = "médecin",
            OtherReferences = [rpps],
        };
        var diagnosis = d.Pick(
            "maladie d'Alzheimer à un stade modéré, troubles cognitifs avec désorientation temporo-spatiale",
            "séquelles d'accident vasculaire cérébral avec hémiparésie droite et troubles de la marche",
            "arthrose sévère des deux genoux, insuffisance cardiaque chronique, chutes à répétition",
            "maladie de Parkinson évoluée, troubles de l'équilibre et lenteur des gestes",
            "déficience visuelle bilatérale sévère (DMLA), isolement social",
            "sclérose en plaques de forme rémittente, fatigabilité importante");

        d.Pages.Add(w =>
        {
            switch (variant)
            {
                case 0:
                    w.Text(w.Left, w.Y + 4, "MDPH", 16, bold: true);
                    w.Text(w.Right - 28, w.Y + 4, "N° 15695*01", 8);
                    w.Y += 10;
                    w.Centered(d.Title, w.Style.BodySize + 4, bold: true);
                    w.Centered("à joindre à une demande auprès de la MDPH", w.Style.BodySize, italic: true);
                    w.Section("Identification de la personne", band: true);
                    w.Field("Nom de naissance", p.UpperLastName());
                    w.Field("Prénom", p.FirstName);
                    w.Field("Date de naissance", p.BirthDateSlashed);
                    w.Section("1. Pathologie motivant la demande", band: true);
                    w.Paragraph(char.ToUpper(diagnosis[0]) + diagnosis[1..] + ".", font: w.Style.MonoFont);
                    w.Section("2. Histoire de la pathologie", band: true);
                    w.Paragraph("Diagnostic posé en " + (2010 + w.Rng.Next(12)) + ". Évolution progressive malgré le traitement. Hospitalisation récente pour décompensation.", font: w.Style.MonoFont);
                    w.Section("3. Déficiences et limitations d'activité", band: true);
                    w.Table(["Activité", "Sans difficulté", "Difficulté grave", "Impossible"],
                        [["Marcher", "", "X", ""], ["Se laver", "", "X", ""], ["S'habiller", "", "", "X"], ["Communiquer", "X", "", ""]],
                        [60, 35, 35, 35]);
                    w.Footer("Certificat médical MDPH — cerfa 15695*01 — confidentiel", 1, pages, numbered: pages > 1);
                    break;
                case 1:
                    w.Text(w.Left, w.Y + 5, $"Docteur {doctor}", w.Style.BodySize + 2, bold: true);
                    w.Text(w.Left, w.Y + 10, d.Pick("Médecin généraliste", "Médecine générale — Gériatrie", "Neurologue"), w.Style.BodySize);
                    w.Text(w.Left, w.Y + 15, $"{w.Rng.Next(1, 90)} {FrenchNamesStreet(w.Rng)} — {p.Postcode} {p.City}", w.Style.BodySize - 1);
                    w.Text(w.Left, w.Y + 20, $"RPPS {rpps} — Tél. 05 56 {Digits(w.Rng, 2)} {Digits(w.Rng, 2)} {Digits(w.Rng, 2)}", w.Style.BodySize - 1);
                    w.Y += 40;
                    w.Centered(d.Title, w.Style.BodySize + 5, bold: true);
                    w.Gap(12);
                    w.Paragraph($"Je soussigné(e), Docteur {doctor}, certifie avoir examiné ce jour {p.Civility} {p.FullName()}, " +
                                $"né{(p.Sex == 'F' ? "e" : "")} le {p.BirthDateSlashed}, et avoir constaté : {diagnosis}.", w.Style.BodySize + 1);
                    w.Paragraph("L'état de santé de la personne nécessite une aide humaine pour les actes essentiels de la vie quotidienne " +
                                "ainsi qu'une surveillance régulière.", w.Style.BodySize + 1);
                    w.Paragraph("Certificat établi à la demande de l'intéressé(e) et remis en main propre pour servir et valoir ce que de droit.", w.Style.BodySize + 1);
                    w.Gap(8);
                    w.RightAligned($"Fait à {p.City}, le {LongDate(d.IssueDate)}");
                    w.Signature(w.Right - 55, w.Y + 14);
                    w.Stamp(w.Right - 70, w.Y + 30, $"Dr {doctor}", "RPPS " + rpps);
                    break;
                default:
                    w.Centered(d.Title, w.Style.BodySize + 4, bold: true);
                    w.Rule();
                    w.Table(["Patient(e)", ""], [["Nom", p.UpperLastName()], ["Prénom", p.FirstName], ["Date de naissance", p.BirthDateSlashed]], [50, 90], shadeHeader: false);
                    w.Section("Évaluation de l'autonomie (grille AGGIR)", band: false);
                    w.Table(["Variable", "A", "B", "C"],
                        [["Cohérence", "", "X", ""], ["Orientation", "", "X", ""], ["Toilette", "", "", "X"], ["Habillage", "", "X", ""],
                         ["Alimentation", "X", "", ""], ["Transferts", "", "X", ""], ["Déplacements intérieurs", "", "X", ""]],
                        [70, 20, 20, 20]);
                    w.Field("GIR proposé", (2 + w.Rng.Next(4)).ToString(French));
                    w.Section("Observations", band: false);
                    w.Paragraph(char.ToUpper(diagnosis[0]) + diagnosis[1..] + ". Maintien à domicile possible avec aides.", italic: true);
                    w.Gap(6);
                    w.Line($"Dr {doctor} — RPPS {rpps}");
                    w.Line($"Le {Slashed(d.IssueDate)}");
                    w.Signature(w.Left + 30, w.Y + 10);
                    break;
            }
        });
        if (pages >= 2) d.Pages.Add(w =>
        {
            w.Section("4. Traitements et prises en charge", band: true);
            w.Table(["Traitement", "Posologie", "Depuis"],
                [["Donépézil 10 mg", "1 cp le soir", "2021"], ["Kinésithérapie", "2 séances / semaine", "2022"], ["Soins infirmiers", "passage quotidien", "2023"]],
                [70, 50, 30]);
            w.Section("5. Observations complémentaires", band: true);
            w.Paragraph("Le pronostic est défavorable à moyen terme ; une réévaluation est à prévoir dans un an.", font: w.Style.MonoFont);
            w.Gap(6);
            w.Line($"Date de l'examen : {Slashed(d.IssueDate)}");
            w.Line($"Nom du médecin : Dr {doctor}");
            w.Line($"N° RPPS : {rpps}");
            w.Signature(w.Left + 40, w.Y + 12);
            w.Footer("Certificat médical MDPH — confidentiel", 2, pages, numbered: true);
        });
    }

    private static string FrenchNamesStreet(Random rng) => FrenchNames.Streets[rng.Next(FrenchNames.Streets.Length)];
}
