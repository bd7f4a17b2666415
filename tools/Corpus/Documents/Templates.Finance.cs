using CaptureChain.Corpus.Population;

namespace CaptureChain.Corpus.Documents;

/// <summary>Tax notices, proofs of address, bank details and invoices.</summary>
internal static partial class Templates
{
    // ---- avis_imposition ------------------------------------------------------------------------------------

    private static void AvisImposition(DocumentDraft d)
    {
        var p = d.Subject;
        var variant = d.PickVariant(3);
        d.Style = HouseStyle.Pick(d.Rng) with { BodyFont = d.Pick(HouseStyle.SansFonts), HeadFont = "DejaVu Sans" };
        var year = d.IssueDate.Year;
        d.Title = variant switch
        {
            0 => d.Pick($"AVIS D'IMPÔT {year}", $"Avis d'impôt {year} sur les revenus de l'année {year - 1}"),
            1 => d.Pick($"AVIS DE SITUATION DÉCLARATIVE À L'IMPÔT SUR LE REVENU {year}", $"Avis de situation déclarative {year}"),
            _ => d.Pick($"AVIS DE NON-IMPOSITION {year}", $"Avis d'impôt {year} — non imposable"),
        };
        var tax = PersonalNumbers.TaxNumber(p);
        var rfr = PersonalNumbers.ReferenceTaxIncome(p);
        var reference = $"{year % 100:00} 33 {(char)('A' + d.Rng.Next(26))}{Digits(d.Rng, 6)} {Digits(d.Rng, 2)}";
        var access = Digits(d.Rng, 7);
        var grouped = d.Chance(60);
        var taxShown = grouped ? $"{tax[..2]} {tax.Substring(2, 2)} {tax.Substring(4, 3)} {tax.Substring(7, 3)} {tax.Substring(10, 3)}" : tax;
        var name = $"{(p.Sex == 'F' ? "MME" : "M")} {Person.StripAccents(p.LastName).ToUpperInvariant()} {Person.StripAccents(p.FirstName).ToUpperInvariant()}";
        var pages = d.PickPages(1, 2);
        d.Printed = new PrintedIdentifiers
        {
            Name = name, Address = true, TaxNumber = tax, ReferenceTaxIncome = rfr, OtherReferences = [reference.Replace(" ", "")],
        };
        var parts = d.Pick("1", "1,5", "2");
        var impot = variant == 2 || rfr < 17000 ? 0 : (rfr - 17000) / 9;

        d.Pages.Add(w =>
        {
            w.Text(w.Left, w.Y + 4, "DIRECTION GÉNÉRALE DES FINANCES PUBLIQUES", w.Style.BodySize, bold: true);
            w.Text(w.Left, w.Y + 9, d.Pick("Centre des Finances publiques de Bordeaux", "SIP de Mérignac", "SIP de Libourne", "SIP Bordeaux Nord"), w.Style.BodySize - 1);
            w.Text(w.Left, w.Y + 13.5, "impots.gouv.fr", w.Style.BodySize - 1, bold: true);
            w.Logo(w.Right - 22, w.Y, 2, 14);
            // Reference block on the left, addressee in the window on the right, as on real notices.
            var by = w.Y + 24;
            w.Canvas.StrokeRect(w.Left, by, 85, 36, 0.3);
            w.Text(w.Left + 2, by + 5, "Vos références", w.Style.BodySize, bold: true);
            w.Text(w.Left + 2, by + 11, $"Numéro fiscal : {taxShown}", w.Style.BodySize - 0.5);
            w.Text(w.Left + 2, by + 16, $"N° d'accès en ligne : {access}", w.Style.BodySize - 0.5);
            w.Text(w.Left + 2, by + 21, $"Revenu fiscal de référence : {rfr}", w.Style.BodySize - 0.5, bold: true);
            w.Text(w.Left + 2, by + 26, $"Référence de l'avis : {reference}", w.Style.BodySize - 0.5);
            w.Text(w.Left + 2, by + 31, $"Date d'établissement : {Slashed(d.IssueDate)}", w.Style.BodySize - 0.5);
            w.WindowAddress([name, Person.StripAccents(p.Address).ToUpperInvariant(), $"{p.Postcode} {Person.StripAccents(p.City).ToUpperInvariant()}"], by + 8);
            w.Y = by + 46;
            w.Centered(d.Title, w.Style.BodySize + 3, bold: true);
            if (variant != 0) w.Centered($"Revenus de l'année {year - 1}", w.Style.BodySize + 1);
            w.Gap(4);
            w.Table(["Éléments de calcul", "Montant"],
                [
                    ["Revenu fiscal de référence", rfr.ToString(French)],
                    ["Nombre de parts", parts],
                    ["Impôt sur le revenu net avant corrections", impot.ToString(French)],
                    ["Prélèvement à la source déjà versé", "0"],
                    [impot == 0 ? "Vous n'êtes pas imposable" : "Montant de votre impôt", Euros(impot)],
                ], [120, 50]);
            w.Gap(3);
            w.Paragraph(variant == 1
                ? "Ce document établit votre situation déclarative. Il ne constitue pas un avis d'imposition et ne peut être utilisé pour le paiement."
                : "Cet avis vous permet de justifier de vos revenus auprès des organismes sociaux. Conservez-le.", w.Style.BodySize - 0.5);
            w.Paragraph("Pour toute question, connectez-vous à votre espace particulier ou contactez votre service des impôts.", w.Style.BodySize - 0.5);
            w.Footer($"Avis d'impôt {year} — {name}", 1, pages, numbered: pages > 1);
        });
        if (pages >= 2) d.Pages.Add(w =>
        {
            w.Centered("DÉTAIL DES REVENUS ET DE L'IMPÔT", w.Style.BodySize + 2, bold: true);
            w.Gap(3);
            var pension = rfr + 1200 + w.Rng.Next(0, 2000);
            w.Table(["Revenus déclarés", "Déclarant 1"],
                [
                    ["Pensions, retraites, rentes (1AS)", pension.ToString(French)],
                    ["Abattement 10 %", "-" + (pension / 10).ToString(French)],
                    ["Revenus de capitaux mobiliers", w.Rng.Next(0, 400).ToString(French)],
                    ["Revenu brut global", (pension - pension / 10).ToString(French)],
                    ["Revenu imposable", rfr.ToString(French)],
                ], [120, 50]);
            w.Gap(4);
            foreach (var s in new[]
                     {
                         "Le revenu fiscal de référence sert au calcul de nombreuses prestations sociales et exonérations.",
                         "Si vous constatez une erreur, vous pouvez corriger votre déclaration en ligne jusqu'en décembre.",
                     }) w.Paragraph(s);
            w.Footer($"Numéro fiscal {taxShown}", 2, pages, numbered: true);
        });
    }

    // ---- justificatif_domicile --------------------------------------------------------------------------------

    private static void JustificatifDomicile(DocumentDraft d)
    {
        var p = d.Subject;
        var variant = d.PickVariant(4);
        d.Style = HouseStyle.Pick(d.Rng);
        // Some people live with a relative whose name is on the bill: the paper then does not name the subject.
        var hostedBy = d.Chance(12) ? Relative(d) : default;
        var holder = hostedBy.Name ?? $"{p.ShortCivility} {p.FullName()}";
        var client = Digits(d.Rng, 10);
        var pdl = Digits(d.Rng, 14);
        var period = $"{Slashed(d.IssueDate.AddMonths(-2))} au {Slashed(d.IssueDate.AddDays(-1))}";
        var amount = 35 + d.Rng.Next(0, 20000) / 100m;
        var (supplier, title) = variant switch
        {
            0 => (d.Pick("EDF", "Énergies du Sud-Ouest", "Électricité de France"), d.Pick("Facture d'électricité", "FACTURE", "Votre facture d'énergie")),
            1 => (d.Pick("Régie de l'eau Bordeaux Métropole", "SIAEPA de la Gironde", "Eau Bordeaux Métropole"), d.Pick("Facture d'eau et d'assainissement", "FACTURE D'EAU")),
            2 => ("", d.Pick("QUITTANCE DE LOYER", "Quittance de loyer", "AVIS D'ÉCHÉANCE ET QUITTANCE")),
            _ => (d.Pick("Gaz Sud-Ouest", "Opérateur Fibre Aquitaine", "Téléphonie Atlantique"), d.Pick("Facture", "Votre facture du mois", "FACTURE MENSUELLE")),
        };
        d.Title = title;
        var landlord = d.Pick("SCI Les Chartrons", "Gironde Habitat", "Aquitanis", "M. Bernard LAPORTE", "Domofrance");
        d.Printed = new PrintedIdentifiers
        {
            Name = hostedBy.Name is null ? p.FullName() : null,
            Address = true,
            OtherPersonName = hostedBy.Name ?? (variant == 2 ? landlord : null),
            OtherPersonRole = hostedBy.Name is not null ? "titulaire (hébergeant)" : variant == 2 ? "bailleur" : null,
            OtherReferences = variant == 2 ? [] : [client],
        };
        var logo = d.Rng.Next(5);
        d.Pages.Add(w =>
        {
            if (variant == 2)
            {
                w.Centered(title, w.Style.BodySize + 6, bold: true);
                w.Gap(8);
                w.Field("Bailleur", landlord);
                w.Field("Locataire", holder);
                w.Field("Adresse du logement", $"{p.Address}, {p.Postcode} {p.City}");
                w.Field("Période", $"du {period}");
                w.Gap(6);
                var rent = 380 + w.Rng.Next(0, 400);
                var charges = 30 + w.Rng.Next(0, 80);
                w.Table(["Désignation", "Montant"], [["Loyer", Euros(rent)], ["Provision pour charges", Euros(charges)], ["Total", Euros(rent + charges)]], [110, 50]);
                w.Gap(6);
                w.Paragraph($"Je soussigné(e) {landlord}, propriétaire ou mandataire du logement désigné ci-dessus, déclare avoir reçu de " +
                            $"{holder} la somme de {Euros(rent + charges)} au titre du loyer et des charges pour la période indiquée, et lui en donne quittance, " +
                            "sous réserve de tous mes droits.");
                w.Gap(6);
                w.RightAligned($"Fait à Bordeaux, le {Slashed(d.IssueDate)}");
                w.Signature(w.Right - 50, w.Y + 12);
                return;
            }
            w.Logo(w.Left, w.Y, logo, 16);
            w.Text(w.Left + 30, w.Y + 6, supplier, w.Style.BodySize + 4, bold: true);
            w.Text(w.Left + 30, w.Y + 12, d.Pick("Service clients : 09 69 32 15 15", "Service clients 05 57 20 20 20", "Espace client en ligne 24h/24"), w.Style.BodySize - 1);
            w.Y += 24;
            w.Text(w.Left, w.Y + 4, $"{title}", w.Style.BodySize + 3, bold: true);
            w.Text(w.Left, w.Y + 10, $"du {Slashed(d.IssueDate)}", w.Style.BodySize);
            w.Text(w.Left, w.Y + 16, $"N° client : {client}", w.Style.BodySize);
            if (variant == 0) w.Text(w.Left, w.Y + 21, $"Référence PDL : {pdl}", w.Style.BodySize);
            if (variant == 1) w.Text(w.Left, w.Y + 21, $"N° de compteur : {pdl[..9]}", w.Style.BodySize);
            w.WindowAddress([holder, .. AddressLines(p)], w.Y + 4);
            w.Y += 40;
            w.Canvas.SetGrey(0.9);
            w.Canvas.FillRect(w.Left, w.Y, w.Width, 16);
            w.Canvas.SetGrey(0);
            w.Text(w.Left + 3, w.Y + 7, "Montant à payer", w.Style.BodySize + 2, bold: true);
            w.Text(w.Left + 3, w.Y + 13, $"prélevé le {Slashed(d.IssueDate.AddDays(15))}", w.Style.BodySize - 1);
            var total = Euros(amount);
            w.Text(w.Right - 3 - w.Measure(total, w.Style.BodySize + 6, true), w.Y + 11, total, w.Style.BodySize + 6, bold: true);
            w.Y += 22;
            w.Line($"Lieu de consommation : {p.Address}, {p.Postcode} {p.City}");
            w.Line($"Période de consommation : {period}");
            w.Gap(3);
            var ht = Math.Round(amount / 1.2m, 2);
            w.Table(["Détail", "Quantité", "Prix unitaire", "Montant HT"],
                variant == 1
                    ? [["Consommation d'eau", $"{w.Rng.Next(8, 40)} m3", "2,18", Euros(ht * 0.6m, false)], ["Assainissement", "", "", Euros(ht * 0.3m, false)], ["Abonnement", "", "", Euros(ht * 0.1m, false)]]
                    : [["Abonnement", "2 mois", "", Euros(ht * 0.2m, false)], ["Consommation", $"{w.Rng.Next(200, 900)} kWh", "0,2516", Euros(ht * 0.7m, false)], ["Taxes et contributions", "", "", Euros(ht * 0.1m, false)]],
                [70, 30, 30, 35]);
            w.RightAligned($"Total TTC : {total}", w.Style.BodySize + 1, bold: true);
            w.Gap(6);
            w.Paragraph("Ce document peut servir de justificatif de domicile. Conservez vos factures pendant cinq ans.", w.Style.BodySize - 1, italic: true);
            w.Canvas.Line(w.Left, 250, w.Right, 250, 0.2);
            w.Text(w.Left, 256, "TIP — à détacher et à joindre à votre règlement", w.Style.BodySize - 2);
            w.Text(w.Left, 263, $"{holder}   Réf. {client}   {total}", w.Style.BodySize - 1, font: w.Style.MonoFont);
        });
    }

    // ---- rib -------------------------------------------------------------------------------------------------

    private static void Rib(DocumentDraft d)
    {
        var p = d.Subject;
        var variant = d.PickVariant(3);
        d.Style = HouseStyle.Pick(d.Rng) with { BodyFont = d.Pick(HouseStyle.SansFonts) };
        var bank = PersonalNumbers.BankAccount(p);
        var withAddress = d.Chance(72);
        var joint = d.Chance(10);
        var holder = joint
            ? $"M OU MME {Person.StripAccents(p.LastName).ToUpperInvariant()} {Person.StripAccents(p.FirstName).ToUpperInvariant()}"
            : $"{(p.Sex == 'F' ? "MME" : "M")} {Person.StripAccents(p.FirstName).ToUpperInvariant()} {Person.StripAccents(p.LastName).ToUpperInvariant()}";
        d.Title = d.Pick("RELEVÉ D'IDENTITÉ BANCAIRE", "Relevé d'Identité Bancaire", "RIB / IBAN", "Identifiant bancaire (RIB)");
        d.Printed = new PrintedIdentifiers { Name = holder, Address = withAddress, Iban = bank.Iban, Bic = bank.Bic };
        var agency = d.Pick("BORDEAUX GAMBETTA", "MERIGNAC CENTRE", "LIBOURNE", "PESSAC ALOUETTE", "TALENCE", "ARCACHON");
        var logo = d.Rng.Next(5);
        var ibanGrouped = PersonalNumbers.GroupIban(bank.Iban);
        d.Pages.Add(w =>
        {
            void Block(double top, bool small)
            {
                var s = small ? w.Style.BodySize - 1 : w.Style.BodySize;
                var h = small ? 62 : 80;
                w.Canvas.StrokeRect(w.Left, top, w.Width, h, 0.35);
                w.Logo(w.Left + 3, top + 3, logo, 10);
                w.Text(w.Left + 22, top + 8, bank.BankName, s + 1, bold: true);
                w.Text(w.Right - 3 - w.Measure(d.Title, s, true), top + 8, d.Title, s, bold: true);
                w.Text(w.Left + 4, top + 20, "Titulaire du compte", s - 1, grey: 0.3);
                w.Text(w.Left + 4, top + 25, holder, s + 0.5, bold: true);
                if (withAddress)
                {
                    w.Text(w.Left + 4, top + 30, Person.StripAccents(p.Address).ToUpperInvariant(), s);
                    w.Text(w.Left + 4, top + 35, $"{p.Postcode} {Person.StripAccents(p.City).ToUpperInvariant()}", s);
                }
                w.Text(w.Left + 110, top + 20, "Domiciliation", s - 1, grey: 0.3);
                w.Text(w.Left + 110, top + 25, $"{bank.BankName.Split(' ')[0]} {agency}", s);
                var ty = top + (small ? 42 : 46);
                var cols = new[] { ("Code banque", bank.Bank), ("Code guichet", bank.Branch), ("N° de compte", bank.Account), ("Clé RIB", bank.RibKey) };
                var x = w.Left + 4;
                foreach (var (label, value) in cols)
                {
                    w.Text(x, ty, label, s - 1.5, grey: 0.3);
                    w.Text(x, ty + 5, value, s, font: w.Style.MonoFont);
                    x += label == "N° de compte" ? 45 : 30;
                }
                w.Text(w.Left + 4, ty + 13, $"IBAN : {ibanGrouped}", s + 0.5, bold: true, font: w.Style.MonoFont);
                w.Text(w.Left + 4, ty + 19, $"BIC : {bank.Bic}", s + 0.5, bold: true, font: w.Style.MonoFont);
            }
            switch (variant)
            {
                case 0:
                    w.Y += 10;
                    Block(w.Y, small: false);
                    break;
                case 1:
                    // A RIB cut from a chequebook: a small block high on an otherwise empty page.
                    Block(w.Y + w.Rng.Next(0, 30), small: true);
                    break;
                default:
                    w.Logo(w.Left, w.Y, logo, 14);
                    w.Text(w.Left + 25, w.Y + 8, bank.BankName, w.Style.BodySize + 3, bold: true);
                    w.Y += 24;
                    w.Centered(d.Title, w.Style.BodySize + 4, bold: true);
                    w.Gap(6);
                    w.Field("Titulaire", holder);
                    if (withAddress) w.Field("Adresse", $"{Person.StripAccents(p.Address).ToUpperInvariant()} {p.Postcode} {Person.StripAccents(p.City).ToUpperInvariant()}");
                    w.Field("Domiciliation", $"{bank.BankName} — AGENCE {agency}");
                    w.Gap(4);
                    w.Table(["Banque", "Guichet", "N° compte", "Clé"], [[bank.Bank, bank.Branch, bank.Account, bank.RibKey]], [30, 30, 50, 20]);
                    w.Field("IBAN", ibanGrouped, monoValue: true);
                    w.Field("BIC", bank.Bic, monoValue: true);
                    w.Gap(10);
                    w.Paragraph("Ce relevé est destiné à être remis, sur leur demande, à vos créanciers ou débiteurs appelés à faire inscrire des " +
                                "opérations à votre compte (virements, paiement de quittances, etc.).", w.Style.BodySize - 1, italic: true);
                    w.Gap(12);
                    Block(w.Y, small: true);
                    break;
            }
        });
    }

    // ---- facture_etablissement ------------------------------------------------------------------------------

    private static void FactureEtablissement(DocumentDraft d)
    {
        var p = d.Subject;
        var variant = d.PickVariant(3);
        d.Style = HouseStyle.Pick(d.Rng);
        var livesThere = p.Address.StartsWith("EHPAD", StringComparison.Ordinal);
        var establishment = variant switch
        {
            0 => livesThere ? p.Address.Split(',')[0] : d.Pick("EHPAD Les Tilleuls", "EHPAD Le Bois Fleuri", "EHPAD Résidence du Lac", "EHPAD Saint-Joseph"),
            1 => d.Pick("ADMR de l'Entre-deux-Mers", "Aide à Domicile Bordeaux Services", "SAAD Gironde Autonomie", "Association Âge d'Or Services"),
            _ => d.Pick("Accueil de jour Les Mimosas", "Résidence autonomie Le Parc", "Accueil de jour Alzheimer La Source"),
        };
        var estAddress = variant == 0 && livesThere
            ? (p.Address[(p.Address.IndexOf(',') + 2)..], $"{p.Postcode} {p.City}")
            : ($"{d.Rng.Next(1, 120)} {FrenchNames.Streets[d.Rng.Next(FrenchNames.Streets.Length)]}", d.Pick("33000 Bordeaux", "33700 Mérignac", "33500 Libourne", "33400 Talence"));
        var invoice = $"{d.IssueDate:yyyy}-{d.IssueDate:MM}-{Digits(d.Rng, 4)}";
        var residentRef = (variant == 1 ? "BEN-" : "R-") + Digits(d.Rng, 5);
        var casePrinted = p.CaseNumber is not null && d.Chance(45);
        var birthPrinted = d.Chance(30);
        var month = d.IssueDate.AddMonths(-1);
        d.Title = variant == 1 ? d.Pick("FACTURE", "Facture de prestations d'aide à domicile", "FACTURE D'INTERVENTIONS")
            : d.Pick("FACTURE", $"Facture de séjour — {month.ToString("MMMM yyyy", French)}", "FACTURE D'HÉBERGEMENT");
        // A home-care invoice goes to the person's home; an EHPAD's only names the home address when the person lives there.
        var recipientHome = variant == 1 || (variant == 0 && livesThere) || (variant == 2 && d.Chance(50));
        var address = recipientHome;
        d.Printed = new PrintedIdentifiers
        {
            Name = p.FullName(), Address = address, CaseNumber = casePrinted ? p.CaseNumber : null,
            BirthDate = birthPrinted ? p.BirthDate : null, OtherReferences = [residentRef, invoice],
        };
        var days = DateTime.DaysInMonth(month.Year, month.Month);
        var logo = d.Rng.Next(5);
        d.Pages.Add(w =>
        {
            w.Logo(w.Left, w.Y, logo, 15);
            w.Text(w.Left + 28, w.Y + 5, establishment, w.Style.BodySize + 2, bold: true);
            w.Text(w.Left + 28, w.Y + 10, estAddress.Item1, w.Style.BodySize - 1);
            w.Text(w.Left + 28, w.Y + 14.5, estAddress.Item2, w.Style.BodySize - 1);
            w.Text(w.Left + 28, w.Y + 19, $"FINESS {Digits(w.Rng, 9)} — SIRET {Digits(w.Rng, 14)}", w.Style.BodySize - 2);
            string[] recipient = recipientHome
                ? [$"{p.Civility} {p.FullName()}", .. AddressLines(p)]
                : variant == 0
                    ? [$"{p.Civility} {p.FullName()}", $"Chambre {w.Rng.Next(1, 250)}", establishment, estAddress.Item2]
                    : [$"{p.Civility} {p.FullName()}", establishment, estAddress.Item1, estAddress.Item2];
            w.WindowAddress(recipient, w.Y + 36);
            w.Y += 70;
            w.Text(w.Left, w.Y, d.Title, w.Style.BodySize + 3, bold: true);
            w.Y += 6;
            w.Field("Facture n°", invoice);
            w.Field("Date", Slashed(d.IssueDate));
            w.Field(variant == 1 ? "Bénéficiaire" : "Résident(e)", $"{p.ShortCivility} {p.FormalName()}");
            if (birthPrinted) w.Field("Date de naissance", p.BirthDateSlashed);
            w.Field(variant == 1 ? "N° bénéficiaire" : "Réf. résident", residentRef);
            if (casePrinted) w.Field(d.Pick("N° dossier aide sociale", "Réf. dossier Département", "Dossier"), p.CaseNumber!);
            w.Field("Période", $"du 01/{month:MM/yyyy} au {days:00}/{month:MM/yyyy}");
            w.Gap(4);
            IReadOnlyList<IReadOnlyList<string>> rows;
            decimal total;
            if (variant == 1)
            {
                var hours = 10 + w.Rng.Next(0, 50);
                var rate = 24.10m + w.Rng.Next(0, 300) / 100m;
                total = hours * rate;
                rows = [["Aide humaine (heures)", hours.ToString(French), Euros(rate, false), Euros(total, false)], ["Frais de déplacement", "", "", "0,00"]];
            }
            else
            {
                var lodging = 58.5m + w.Rng.Next(0, 2500) / 100m;
                var dependency = 5.8m + w.Rng.Next(0, 200) / 100m;
                total = days * (lodging + dependency);
                rows = [["Tarif hébergement", days.ToString(French), Euros(lodging, false), Euros(days * lodging, false)],
                        ["Tarif dépendance GIR 5-6", days.ToString(French), Euros(dependency, false), Euros(days * dependency, false)]];
            }
            w.Table(["Désignation", "Quantité", "Prix unitaire", "Montant"], rows, [80, 25, 30, 35]);
            var apa = Math.Round(total * (0.2m + w.Rng.Next(0, 30) / 100m), 2);
            w.RightAligned($"Total : {Euros(total)}", w.Style.BodySize + 1, bold: true);
            w.RightAligned($"Participation APA / aide sociale déduite : -{Euros(apa)}");
            w.RightAligned($"Reste à votre charge : {Euros(total - apa)}", w.Style.BodySize + 1, bold: true);
            w.Gap(8);
            w.Paragraph($"Règlement à réception par prélèvement, chèque à l'ordre de {establishment} ou virement. En cas de retard, " +
                        "des pénalités pourront être appliquées conformément au contrat de séjour.", w.Style.BodySize - 1);
            w.Footer($"{establishment} — {estAddress.Item2}", 1, 1, numbered: false);
        });
    }
}
