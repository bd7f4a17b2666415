using System.Text;
using CaptureChain.Corpus.Population;

namespace CaptureChain.Corpus.Documents;

/// <summary>Identity papers, court rulings, the Département's own letters, and letters from people.</summary>
internal static partial class Templates
{
    // ---- piece_identite ------------------------------------------------------------------------------------

    private static void PieceIdentite(DocumentDraft d)
    {
        var p = d.Subject;
        var abroad = p.Nir.Substring(5, 2) == "99";
        var variant = d.PickVariant(abroad && d.Chance(50) ? 4 : 3);
        d.Style = HouseStyle.Pick(d.Rng) with { BodyFont = d.Pick(HouseStyle.SansFonts) };
        var newFormat = variant is 1 or 2;
        var number = PersonalNumbers.IdentityDocumentNumber(p, newFormat);
        var place = p.BirthPlace.ToUpper(French);
        var surname = p.UpperLastName();
        var givenNames = p.FirstName + (d.Chance(50) ? ", " + d.Pick("Marie", "Louise", "Jean", "Paul", "Josèphe", "Henriette", "Joseph") : "");
        var issued = d.IssueDate.AddYears(-d.Rng.Next(1, 12));
        var oldAddress = d.Chance(20);
        d.Title = variant switch
        {
            0 => "CARTE NATIONALE D'IDENTITÉ",
            1 => "CARTE NATIONALE D'IDENTITÉ / IDENTITY CARD",
            2 => "PASSEPORT / PASSPORT",
            _ => "TITRE DE SÉJOUR",
        };
        d.Printed = new PrintedIdentifiers
        {
            Name = $"{p.FirstName} {surname}", BirthDate = p.BirthDate, BirthPlace = p.BirthPlace,
            Address = variant == 0 && !oldAddress, OtherReferences = [number],
        };
        var birthDots = p.BirthDate.ToString("dd.MM.yyyy", System.Globalization.CultureInfo.InvariantCulture);
        var birthSpaced = p.BirthDate.ToString("dd MM yyyy", System.Globalization.CultureInfo.InvariantCulture);
        var mrzName = Mrz(p.LastName);
        var mrzGiven = Mrz(p.FirstName);
        var yymmdd = p.BirthDate.ToString("yyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        var sexLetter = p.Sex.ToString();
        string[] mrz = variant switch
        {
            0 => [Pad("IDFRA" + mrzName, 30) + "033" + "094",
                  number + CheckDigit(number) + Pad(mrzGiven, 14) + yymmdd + CheckDigit(yymmdd) + sexLetter + "8"],
            1 => [Pad("IDFRA" + number + CheckDigit(number), 30), Pad(yymmdd + CheckDigit(yymmdd) + sexLetter + issued.AddYears(10).ToString("yyMMdd", System.Globalization.CultureInfo.InvariantCulture) + "0FRA", 29) + "4",
                  Pad(mrzName + "<<" + mrzGiven, 30)],
            2 => [Pad("P<FRA" + mrzName + "<<" + mrzGiven, 44),
                  number + CheckDigit(number) + "FRA" + yymmdd + CheckDigit(yymmdd) + sexLetter + issued.AddYears(10).ToString("yyMMdd", System.Globalization.CultureInfo.InvariantCulture) + "0" + Pad("", 14) + "02"],
            _ => [Pad("IR" + "FRA" + number + CheckDigit(number), 30), Pad(yymmdd + CheckDigit(yymmdd) + sexLetter + issued.AddYears(10).ToString("yyMMdd", System.Globalization.CultureInfo.InvariantCulture) + "5DZA", 29) + "7",
                  Pad(mrzName + "<<" + mrzGiven, 30)],
        };
        var copyTint = 0.82 + d.Rng.Next(0, 10) / 100.0;
        var showVerso = variant != 2;
        var otherStreet = FrenchNames.Streets[d.Rng.Next(FrenchNames.Streets.Length)];
        d.Pages.Add(w =>
        {
            // A photocopy of the card at scale 1 to 1.4: card outline, grey copier background, photo, MRZ.
            var scale = variant == 2 ? 1.3 : 1.35;
            var cw = (variant == 0 ? 105 : variant == 2 ? 125 : 85.6) * scale;
            var ch = (variant == 0 ? 74 : variant == 2 ? 88 : 54) * scale;
            var x0 = w.Left + w.Rng.Next(0, 12);
            var y0 = w.Y + 6 + w.Rng.Next(0, 10);
            w.Canvas.SetGrey(copyTint);
            w.Canvas.FillRect(x0, y0, cw, ch);
            w.Canvas.SetGrey(0);
            w.Canvas.StrokeRect(x0, y0, cw, ch, 0.4);
            var s = 8.5;
            w.Text(x0 + 4, y0 + 6, "RÉPUBLIQUE FRANÇAISE", s + 1, bold: true);
            w.Text(x0 + 4, y0 + 11, d.Title, s, bold: true);
            w.Canvas.SetGrey(0.55);
            w.Canvas.FillRect(x0 + 4, y0 + 15, cw * 0.26, ch * 0.55);
            w.Disc(x0 + 4 + cw * 0.13, y0 + 15 + ch * 0.2, cw * 0.07, 0.3);
            w.Canvas.SetGrey(0.3);
            w.Canvas.FillRect(x0 + 4 + cw * 0.04, y0 + 15 + ch * 0.35, cw * 0.18, ch * 0.2);
            w.Canvas.SetGrey(0);
            var tx = x0 + 8 + cw * 0.28;
            var ty = y0 + 19;
            void Row(string label, string value)
            {
                w.Text(tx, ty, label, s - 1.5, grey: 0.25);
                w.Text(tx + w.Measure(label, s - 1.5) + 1.5, ty, value, s + 0.5, bold: true);
                ty += 6.2;
            }
            switch (variant)
            {
                case 0:
                    Row("N° :", number);
                    Row("Nom :", surname);
                    Row("Prénom(s) :", givenNames);
                    Row("Sexe :", sexLetter);
                    Row("Né(e) le :", birthDots);
                    Row("à :", place);
                    Row("Taille :", $"1,{d.Rng.Next(50, 85)} m");
                    break;
                case 1:
                    Row("NOM / Surname", surname);
                    Row("Prénoms / Given names", givenNames);
                    Row("Sexe / Sex  " + sexLetter + "   Nationalité", "FRA");
                    Row("Date de naiss. / Date of birth", birthSpaced);
                    Row("Lieu de naissance / Place of birth", place);
                    Row("N° du document", number);
                    break;
                case 2:
                    Row("Type P   Code FRA   Passeport n°", number);
                    Row("Nom / Surname", surname);
                    Row("Prénoms / Given names", givenNames);
                    Row("Nationalité", "Française");
                    Row("Date de naissance", birthDots);
                    Row("Lieu de naissance", place);
                    Row("Sexe", sexLetter);
                    Row("Date de délivrance", Slashed(issued));
                    break;
                default:
                    Row("N° :", number);
                    Row("Nom :", surname);
                    Row("Prénoms :", givenNames);
                    Row("Né(e) le :", birthDots);
                    Row("à :", place);
                    Row("Nationalité :", d.Pick("ALGÉRIENNE", "MAROCAINE", "TUNISIENNE", "PORTUGAISE"));
                    Row("Type de titre :", "CARTE DE RÉSIDENT");
                    break;
            }
            var my = y0 + ch - mrz.Length * 5.2 - 1.5;
            foreach (var line in mrz) { w.Text(x0 + 4, my + 4, line, 9.5, font: "DejaVu Sans Mono"); my += 5.2; }
            if (!showVerso) return;
            var vy = y0 + ch + 18 + w.Rng.Next(0, 10);
            w.Canvas.SetGrey(copyTint);
            w.Canvas.FillRect(x0, vy, cw, ch);
            w.Canvas.SetGrey(0);
            w.Canvas.StrokeRect(x0, vy, cw, ch, 0.4);
            var vty = vy + 10;
            void VRow(string text, bool bold = false) { w.Text(x0 + 5, vty, text, s + 0.5, bold); vty += 6.5; }
            if (variant == 0)
            {
                VRow("Adresse :");
                VRow(oldAddress ? $"{w.Rng.Next(1, 90)} {otherStreet}" : p.Address, bold: true);
                VRow(oldAddress ? "33000 BORDEAUX" : $"{p.Postcode} {p.City.ToUpper(French)}", bold: true);
            }
            VRow($"Carte valable jusqu'au : {Slashed(issued.AddYears(15))}");
            VRow($"délivrée le : {Slashed(issued)}");
            VRow(d.Pick("par : PRÉFECTURE DE LA GIRONDE (33)", "par : SOUS-PRÉFECTURE DE LIBOURNE", "par : MAIRIE DE BORDEAUX"));
            w.Text(x0 + 5, vty + 4, "Signature de l'autorité :", s - 1, grey: 0.25);
            w.Signature(x0 + 45, vty + 8, 30);
        });
    }

    private static string Mrz(string name) =>
        new(Person.StripAccents(name).ToUpperInvariant().Select(c => char.IsAsciiLetterUpper(c) ? c : '<').ToArray());

    private static string Pad(string text, int length) => text.Length >= length ? text[..length] : text.PadRight(length, '<');

    /// <summary>ICAO 9303 check digit: weights 7, 3, 1; letters A=10…Z=35, filler 0.</summary>
    private static char CheckDigit(string field)
    {
        int[] weights = [7, 3, 1];
        var sum = 0;
        for (var i = 0; i < field.Length; i++)
        {
            var c = field[i];
            var v = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiLetterUpper(c) ? c - 'A' + 10 : 0;
            sum += v * weights[i % 3];
        }
        return (char)('0' + sum % 10);
    }

    // ---- jugement_protection ----------------------------------------------------------------------------------

    private static void JugementProtection(DocumentDraft d)
    {
        var p = d.Subject;
        var variant = d.PickVariant(4);
        d.Style = HouseStyle.Pick(d.Rng, preferSerif: true);
        var (measure, role) = variant switch
        {
            0 => ("tutelle", "tuteur"),
            1 => ("curatelle renforcée", "curateur"),
            2 => ("habilitation familiale", "personne habilitée"),
            _ => ("curatelle simple", "curateur"),
        };
        d.Title = variant == 2
            ? d.Pick("JUGEMENT D'HABILITATION FAMILIALE", "Jugement — habilitation familiale générale")
            : d.Pick("JUGEMENT", $"JUGEMENT D'OUVERTURE D'UNE MESURE DE {measure.ToUpper(French)}", $"Jugement de {measure}");
        var professional = variant != 2 && d.Chance(45);
        var relative = Relative(d);
        var delegate_ = d.Pick("Mme Karine LASSALLE", "M. Julien PEYRET", "Mme Nadège FOURCADE", "M. Olivier CAZAUX");
        var tutor = professional
            ? $"{d.Pick("UDAF de la Gironde", "Association Tutélaire de la Gironde (ATG)", "ATINA Aquitaine")}, représentée par {delegate_}"
            : relative.Name;
        var court = d.Pick("BORDEAUX", "LIBOURNE", "ARCACHON");
        var rg = $"{d.IssueDate.Year % 100:00}/{Digits(d.Rng, 5)}";
        var minute = $"{d.IssueDate.Year % 100:00}/{d.Rng.Next(100, 2000)}";
        var portalis = $"DBX6-W-B7{(char)('A' + d.Rng.Next(26))}-{(char)('A' + d.Rng.Next(26))}{(char)('A' + d.Rng.Next(26))}{Digits(d.Rng, 2)}";
        var addressPrinted = d.Chance(65);
        var pages = d.PickPages(1, 3);
        var months = d.Pick(60, 120, 120, 240);
        var doctor = d.Pick("Dr Alain BOUSQUET", "Dr Claire MONTAGUT", "Dr Éric SALLES");
        d.Printed = new PrintedIdentifiers
        {
            Name = p.FullName(), BirthDate = p.BirthDate, BirthPlace = p.BirthPlace, Address = addressPrinted,
            OtherPersonName = professional ? delegate_ : relative.Name, OtherPersonRole = role, OtherReferences = [rg.Replace("/", "")],
        };
        var bornWord = p.Sex == 'F' ? "née" : "né";
        var concerning = $"{p.Civility} {p.FullName()}, {bornWord} le {LongDate(p.BirthDate)} à {p.BirthPlace}" +
                         (addressPrinted ? $", demeurant {p.Address}, {p.Postcode} {p.City}" : "");
        var motives = new[]
        {
            $"Vu la requête présentée le {Slashed(d.IssueDate.AddMonths(-4))} par {(professional ? "le procureur de la République" : relative.Name + ", " + relative.Role + " de l'intéressé" + (p.Sex == 'F' ? "e" : ""))} ;",
            $"Vu le certificat médical circonstancié établi par le {doctor}, médecin inscrit sur la liste établie par le procureur de la République ;",
            "Vu l'audition de la personne à protéger et les pièces du dossier ;",
            "Attendu qu'il résulte des éléments recueillis que l'altération des facultés mentales de l'intéressé(e) est médicalement constatée " +
            "et de nature à empêcher l'expression de sa volonté ; qu'elle nécessite d'être " + (variant == 0 ? "représentée de manière continue" : "assistée ou contrôlée") + " dans les actes de la vie civile ;",
            "Attendu que le principe de subsidiarité est respecté, aucune mesure moins contraignante n'étant suffisante ;",
        };
        var decision = new[]
        {
            $"ORDONNE une mesure de {measure} à l'égard de {p.Civility} {p.FullName()} pour une durée de {months} mois ;",
            $"DÉSIGNE en qualité de {role} : {tutor} ;",
            $"DIT que le {role} devra établir un inventaire du patrimoine dans les trois mois et rendre compte annuellement de sa gestion ;",
            "DIT que la présente décision sera notifiée et fera l'objet d'une mention en marge de l'acte de naissance ;",
            "LAISSE les dépens à la charge du Trésor public.",
        };
        void Heading(PageWriter w)
        {
            w.Text(w.Left, w.Y + 4, "RÉPUBLIQUE FRANÇAISE", w.Style.BodySize, bold: true);
            w.Text(w.Left, w.Y + 8.5, "AU NOM DU PEUPLE FRANÇAIS", w.Style.BodySize - 1, italic: true);
            w.Text(w.Left, w.Y + 15, $"TRIBUNAL JUDICIAIRE DE {court}", w.Style.BodySize + 1, bold: true);
            w.Text(w.Left, w.Y + 20, "Juge des contentieux de la protection — Pôle des tutelles majeurs", w.Style.BodySize - 1);
            w.Text(w.Right - 55, w.Y + 4, $"N° RG : {rg}", w.Style.BodySize);
            w.Text(w.Right - 55, w.Y + 9, $"N° Portalis : {portalis}", w.Style.BodySize - 1.5);
            w.Text(w.Right - 55, w.Y + 14, $"Minute n° {minute}", w.Style.BodySize);
            w.Y += 30;
        }
        d.Pages.Add(w =>
        {
            Heading(w);
            w.Centered(d.Title, w.Style.BodySize + 3, bold: true);
            w.Centered($"Audience du {LongDate(d.IssueDate)}", w.Style.BodySize, italic: true);
            w.Gap(4);
            w.Line("CONCERNANT :", bold: true);
            w.Paragraph(concerning, indent: 6);
            w.Line("DÉBATS :", bold: true);
            w.Paragraph("À l'audience en chambre du conseil, le juge des contentieux de la protection, assisté du greffier, a entendu la personne à protéger.", indent: 6);
            w.Line("MOTIFS :", bold: true);
            var n = pages == 1 ? motives.Length : 3;
            foreach (var m in motives.Take(n)) w.Paragraph(m, indent: 6);
            if (pages == 1)
            {
                w.Line("PAR CES MOTIFS,", bold: true);
                foreach (var m in decision.Take(3)) w.Paragraph(m, indent: 6);
                w.Gap(3);
                w.Line("Le greffier                                                            Le juge");
                w.Signature(w.Left + 5, w.Y + 8, 28);
                w.Signature(w.Right - 45, w.Y + 8, 28);
            }
            w.Footer($"RG {rg} — page 1", 1, pages, numbered: false);
        });
        if (pages >= 2) d.Pages.Add(w =>
        {
            w.Text(w.Right - 40, w.Y + 3, $"RG {rg}", w.Style.BodySize - 1);
            w.Y += 8;
            foreach (var m in motives.Skip(3)) w.Paragraph(m, indent: 6);
            w.Line("PAR CES MOTIFS,", bold: true);
            w.Paragraph("Le juge des contentieux de la protection, statuant publiquement, par jugement contradictoire et en premier ressort,", indent: 6);
            foreach (var m in decision) w.Paragraph(m, indent: 6);
            w.Gap(4);
            w.Line($"Ainsi jugé et prononcé le {LongDate(d.IssueDate)}.");
            w.Line("Le greffier                                                            Le juge");
            w.Signature(w.Left + 5, w.Y + 8, 28);
            w.Signature(w.Right - 45, w.Y + 8, 28);
            w.Footer($"RG {rg} — page 2", 2, pages, numbered: false);
        });
        if (pages >= 3) d.Pages.Add(w =>
        {
            w.Centered("VOIES DE RECOURS", w.Style.BodySize + 2, bold: true);
            w.Paragraph("La présente décision est susceptible d'appel dans un délai de quinze jours à compter de sa notification, par déclaration " +
                        "faite ou adressée par pli recommandé avec demande d'avis de réception au greffe du tribunal judiciaire.");
            w.Paragraph("L'appel peut être formé par la personne protégée, les personnes habilitées à présenter une requête et le procureur de la République.");
            w.Gap(10);
            w.Centered("COPIE CERTIFIÉE CONFORME", w.Style.BodySize + 1, bold: true);
            w.Stamp(105, w.Y + 25, $"TRIBUNAL JUDICIAIRE", court);
            w.Footer($"RG {rg} — page 3", 3, pages, numbered: false);
        });
    }

    // ---- notification_decision ------------------------------------------------------------------------------

    private static void NotificationDecision(DocumentDraft d)
    {
        var p = d.Subject;
        var variant = d.PickVariant(3);
        d.Style = HouseStyle.Pick(d.Rng);
        var prestation = p.Prestation ?? "APA";
        var agent = d.Pick("Mme Nadia BENSAÏD", "M. Thomas LARRIEU", "Mme Sandrine COUTURE", "M. Rémi DUCOURNAU", "Mme Agnès PUJOL");
        var (subject, decisionText) = (prestation, variant) switch
        {
            ("PCH", _) => ("Prestation de compensation du handicap — notification de paiement",
                $"Suite à la décision de la Commission des droits et de l'autonomie des personnes handicapées, la prestation de compensation du handicap vous est attribuée pour un montant mensuel de {Euros(200 + d.Rng.Next(0, 1200))} à compter du {Slashed(d.IssueDate.AddDays(-20))}."),
            ("ASH", _) => ("Aide sociale à l'hébergement — décision d'admission",
                $"J'ai l'honneur de vous informer que vous êtes admis(e) au bénéfice de l'aide sociale à l'hébergement à compter du {Slashed(d.IssueDate.AddMonths(-1))}. Vous reverserez 90 % de vos ressources à l'établissement."),
            (_, 2) => ("Allocation personnalisée d'autonomie — décision de rejet",
                "Après examen de votre dossier, l'évaluation de votre degré d'autonomie (GIR 5) ne permet pas l'attribution de l'allocation personnalisée d'autonomie."),
            (_, 1) => ("Allocation personnalisée d'autonomie — révision",
                $"Suite à la révision de votre situation, le montant de votre allocation est porté à {Euros(300 + d.Rng.Next(0, 900))} par mois à compter du {Slashed(d.IssueDate)}."),
            _ => ("Allocation personnalisée d'autonomie — décision d'attribution",
                $"J'ai l'honneur de vous informer que l'allocation personnalisée d'autonomie vous est accordée pour un montant mensuel de {Euros(250 + d.Rng.Next(0, 1000))}, après déduction de votre participation."),
        };
        d.Title = d.Pick("NOTIFICATION DE DÉCISION", "Notification de décision", "DÉCISION", "Notification");
        var pages = d.PickPages(1, 2);
        var caseLabel = d.Pick("N° de dossier", "Réf. dossier", "Vos références", "Dossier n°");
        d.Printed = new PrintedIdentifiers
        {
            Name = p.FullName(), Address = true, CaseNumber = p.CaseNumber, OtherPersonName = agent, OtherPersonRole = "agent instructeur",
        };
        var header = DepartementHeader(d);
        var logo = d.Rng.Next(5);
        var signer = d.Pick("Le Président du Conseil départemental", "Pour le Président et par délégation, la Directrice de l'Autonomie", "Pour le Président et par délégation, le Chef de service");
        d.Pages.Add(w =>
        {
            w.Logo(w.Left, w.Y, logo, 16);
            var hy = w.Y + 22;
            foreach (var h in header) { w.Text(w.Left, hy, h, w.Style.BodySize - 1.5, bold: h == header[0]); hy += 4; }
            hy += 4;
            w.Text(w.Left, hy, $"Affaire suivie par : {agent}", w.Style.BodySize - 1); hy += 4.5;
            w.Text(w.Left, hy, $"Tél. : 05 56 99 {Digits(w.Rng, 2)} {Digits(w.Rng, 2)}", w.Style.BodySize - 1); hy += 4.5;
            w.Text(w.Left, hy, $"{caseLabel} : {p.CaseNumber}", w.Style.BodySize - 0.5, bold: true);
            w.WindowAddress([$"{p.Civility} {p.FullName()}", .. AddressLines(p)], 50);
            w.Y = Math.Max(hy, 75) + 10;
            w.RightAligned($"Bordeaux, le {LongDate(d.IssueDate)}");
            w.Gap(4);
            w.Centered(d.Title, w.Style.BodySize + 3, bold: true);
            w.Gap(2);
            w.Paragraph($"Objet : {subject}");
            w.Gap(2);
            w.Line($"{p.Civility},");
            w.Gap(2);
            w.Paragraph(decisionText);
            w.Paragraph(AdministrativeProse[7]);
            if (pages == 1) w.Paragraph("Vous pouvez contester cette décision dans un délai de deux mois (voies de recours au dos).");
            w.Paragraph($"Je vous prie d'agréer, {p.Civility}, l'expression de mes salutations distinguées.");
            w.Gap(6);
            w.Text(w.Left + 85, w.Y, signer, w.Style.BodySize - 0.5, italic: true);
            w.Signature(w.Left + 100, w.Y + 12, 30);
            w.Footer(header[2], 1, pages, numbered: pages > 1);
        });
        if (pages >= 2) d.Pages.Add(w =>
        {
            w.Centered("VOIES ET DÉLAIS DE RECOURS", w.Style.BodySize + 2, bold: true);
            w.Gap(4);
            w.Paragraph("Si vous estimez que cette décision est contestable, vous pouvez former un recours administratif préalable obligatoire " +
                        "auprès du Président du Conseil départemental dans un délai de deux mois à compter de sa notification.");
            w.Paragraph("En cas de rejet de ce recours, vous pourrez saisir le tribunal judiciaire (pôle social) ou le tribunal administratif selon la nature du litige.");
            w.Paragraph("Tout changement dans votre situation (ressources, adresse, entrée en établissement, hospitalisation) doit être signalé sans délai.");
            foreach (var s in AdministrativeProse.Skip(4).Take(2)) w.Paragraph(s);
            w.Footer(header[2], 2, pages, numbered: true);
        });
    }

    // ---- plan_aide ----------------------------------------------------------------------------------------

    private static void PlanAide(DocumentDraft d)
    {
        var p = d.Subject;
        var variant = d.PickVariant(2);
        d.Style = HouseStyle.Pick(d.Rng);
        d.Title = d.Pick("PROPOSITION DE PLAN D'AIDE", "Plan d'aide personnalisé APA", "PLAN D'AIDE — ALLOCATION PERSONNALISÉE D'AUTONOMIE",
            "Plan d'accompagnement et d'aide");
        var evaluator = d.Pick("Mme Laure DARRIET", "M. Yannick SOULÉ", "Mme Claire BERGÈS", "Mme Fanny LAFITTE");
        var gir = 1 + d.Rng.Next(4);
        var pages = d.PickPages(1, 2);
        d.Printed = new PrintedIdentifiers
        {
            Name = p.FullName(), Address = true, CaseNumber = p.CaseNumber, OtherPersonName = evaluator, OtherPersonRole = "évaluateur",
        };
        var header = DepartementHeader(d);
        var saad = d.Pick("ADMR de l'Entre-deux-Mers", "Aide à Domicile Bordeaux Services", "SAAD Gironde Autonomie");
        var hours = 8 + d.Rng.Next(0, 50);
        var rate = 24.10m;
        var logo = d.Rng.Next(5);
        d.Pages.Add(w =>
        {
            w.Logo(w.Left, w.Y, logo, 14);
            w.Text(w.Left + 22, w.Y + 5, header[0], w.Style.BodySize, bold: true);
            w.Text(w.Left + 22, w.Y + 10, header[1], w.Style.BodySize - 1);
            w.Y += 22;
            w.Centered(d.Title, w.Style.BodySize + 4, bold: true);
            w.Gap(3);
            if (variant == 0)
            {
                w.Table(["Bénéficiaire", ""],
                    [
                        ["Nom, prénom", p.FormalName()], ["Adresse", $"{p.Address}, {p.Postcode} {p.City}"], ["N° de dossier", p.CaseNumber ?? ""],
                        ["GIR", gir.ToString(French)], ["Date de la visite", Slashed(d.IssueDate.AddDays(-12))], ["Évaluateur", evaluator],
                    ], [45, w.Width - 45], shadeHeader: true, size: w.Style.BodySize);
            }
            else
            {
                w.Field("Bénéficiaire", $"{p.ShortCivility} {p.FullName()}");
                w.Field("Domicile", $"{p.Address} — {p.Postcode} {p.City}");
                w.Field("Dossier", p.CaseNumber ?? "");
                w.Field("Niveau de dépendance", $"GIR {gir}");
                w.Field("Évaluation à domicile réalisée par", evaluator);
            }
            w.Section("Aides proposées", band: variant == 0);
            var portage = 18 + w.Rng.Next(0, 12);
            var rows = new List<IReadOnlyList<string>>
            {
                new[] { "Aide humaine (prestataire)", saad, $"{hours} h", Euros(rate, false), Euros(hours * rate, false) },
                new[] { "Portage de repas", "CCAS", $"{portage} repas", "2,50", Euros(portage * 2.5m, false) },
                new[] { "Téléassistance", "Gironde Téléassistance", "1 mois", "12,00", "12,00" },
            };
            if (w.Rng.Next(2) == 0) rows.Add(new[] { "Accueil de jour", "Les Mimosas", "4 jours", "35,00", "140,00" });
            w.Table(["Aide", "Intervenant", "Qté / mois", "Tarif", "Montant"], rows, [46, 54, 24, 18, 24], size: w.Style.BodySize - 1.5);
            var total = hours * rate + portage * 2.5m + 12;
            var part = Math.Round(total * (w.Rng.Next(0, 60) / 100m), 2);
            w.Field("Montant total du plan d'aide", Euros(total));
            w.Field("Participation financière du bénéficiaire", Euros(part));
            w.Field("Montant de l'APA versé", Euros(total - part));
            w.Gap(3);
            w.Paragraph("Vous disposez d'un délai de dix jours pour accepter ce plan ou présenter vos observations. Sans réponse, la proposition est réputée refusée.", w.Style.BodySize - 0.5);
            w.Footer("Plan d'aide APA — " + header[0], 1, pages, numbered: pages > 1);
        });
        if (pages >= 2) d.Pages.Add(w =>
        {
            w.Centered("COUPON-RÉPONSE", w.Style.BodySize + 3, bold: true);
            w.Centered("à retourner sous dix jours", w.Style.BodySize, italic: true);
            w.Gap(8);
            w.Paragraph("Je soussigné(e) ................................................................ bénéficiaire ou représentant légal,");
            w.CheckboxLine([("accepte le plan d'aide proposé", w.Rng.Next(3) > 0)]);
            w.CheckboxLine([("refuse le plan d'aide proposé", false)]);
            w.CheckboxLine([("souhaite formuler des observations (au verso)", false)]);
            w.Gap(8);
            w.Line("Fait à ........................................ le ......./......./.............");
            w.Line("Signature :");
            w.Signature(w.Left + 25, w.Y + 10);
            w.Footer("", 2, pages, numbered: true);
        });
    }

    // ---- courrier -------------------------------------------------------------------------------------------

    private static void Courrier(DocumentDraft d)
    {
        var p = d.Subject;
        var variant = d.PickVariant(3);
        var fromFamily = variant == 1;
        var handwritten = variant == 2;
        d.Style = handwritten
            ? HouseStyle.Pick(d.Rng, preferSerif: true) with { BodySize = 12 + d.Rng.Next(0, 3) * 0.5 }
            : HouseStyle.Pick(d.Rng, preferSerif: d.Chance(50));
        var relative = Relative(d);
        var casePrinted = p.CaseNumber is not null && d.Chance(fromFamily ? 35 : 40);
        var cafPrinted = p.CafNumber is not null && d.Chance(15);
        var birthPrinted = fromFamily && d.Chance(40);
        var (postcode, city) = FrenchNames.Towns[d.Rng.Next(FrenchNames.Towns.Length)];
        var relAddress = $"{d.Rng.Next(1, 150)} {FrenchNames.Streets[d.Rng.Next(FrenchNames.Streets.Length)]}";
        var mother = p.Sex == 'F' ? d.Pick("ma mère", "ma tante", "ma belle-mère") : d.Pick("mon père", "mon oncle", "mon beau-père");
        if (p.BirthDate.Year > 1990) mother = p.Sex == 'F' ? "ma fille" : "mon fils";
        var topic = d.Rng.Next(5);
        var objet = topic switch
        {
            0 => "Changement de situation",
            1 => "Demande d'information sur mon dossier",
            2 => "Contestation du montant de l'allocation",
            3 => "Hospitalisation",
            _ => "Envoi de pièces complémentaires",
        };
        var pages = d.PickPages(1, 2);
        d.Title = "Courrier";
        d.Printed = new PrintedIdentifiers
        {
            Name = p.FullName(), Address = !fromFamily, CaseNumber = casePrinted ? p.CaseNumber : null, CafNumber = cafPrinted ? p.CafNumber : null,
            BirthDate = birthPrinted ? p.BirthDate : null,
            OtherPersonName = fromFamily ? relative.Name : null, OtherPersonRole = fromFamily ? relative.Role : null,
        };
        var header = DepartementHeader(d);
        var refs = new StringBuilder();
        if (casePrinted) refs.Append($"Dossier n° {p.CaseNumber}");
        if (cafPrinted) refs.Append(refs.Length > 0 ? " — " : "").Append($"N° allocataire CAF : {p.CafNumber}");
        var body = new List<string>();
        var about = fromFamily
            ? $"Je vous écris au sujet de {mother}, {p.Civility} {p.FullName()}{(birthPrinted ? $", née le {p.BirthDateSlashed}".Replace("née", p.Sex == 'F' ? "née" : "né") : "")}."
            : "";
        if (about.Length > 0) body.Add(about);
        body.Add(topic switch
        {
            0 => fromFamily
                ? $"Je vous informe que {mother} est entré{(p.Sex == 'F' ? "e" : "")} en établissement le {Slashed(d.IssueDate.AddDays(-30))} et ne réside plus à son domicile."
                : $"Je vous informe que je vis désormais seul{(p.Sex == 'F' ? "e" : "")} depuis le décès de mon conjoint, et que mes ressources ont changé.",
            1 => "Je n'ai pas eu de nouvelles de la demande déposée il y a plus de trois mois et je souhaiterais savoir où en est l'instruction du dossier.",
            2 => "Je ne comprends pas le montant indiqué dans la dernière décision, qui ne tient pas compte de mes dépenses réelles d'aide à domicile. Je vous demande de bien vouloir réexaminer le dossier.",
            3 => fromFamily
                ? $"{char.ToUpper(mother[0]) + mother[1..]} a été hospitalisé{(p.Sex == 'F' ? "e" : "")} au CHU de Bordeaux depuis le {Slashed(d.IssueDate.AddDays(-10))} ; les interventions de l'aide à domicile sont donc suspendues."
                : $"J'ai été hospitalisé{(p.Sex == 'F' ? "e" : "")} du {Slashed(d.IssueDate.AddDays(-25))} au {Slashed(d.IssueDate.AddDays(-5))}, les heures d'aide à domicile n'ont pas été utilisées pendant cette période.",
            _ => "Vous trouverez ci-joint les pièces que vous m'avez demandées pour compléter le dossier : avis d'imposition, relevé d'identité bancaire et justificatif de domicile.",
        });
        body.Add(d.Pick("Je reste à votre disposition pour tout renseignement complémentaire.", "Dans l'attente de votre réponse, je vous remercie par avance.",
            "Je vous remercie de l'attention que vous porterez à ma demande."));
        body.Add(d.Pick("Veuillez agréer, Madame, Monsieur, l'expression de mes salutations distinguées.",
            "Je vous prie de croire, Madame, Monsieur, à l'assurance de ma considération distinguée.", "Avec mes remerciements, sincères salutations."));
        var senderLines = fromFamily
            ? new[] { relative.Name, relAddress, $"{postcode} {city}" }
            : new[] { p.FullName(), p.Address, $"{p.Postcode} {p.City}" };
        var signName = fromFamily ? relative.Name : p.FullName();
        var font = handwritten ? d.Pick("DejaVu Serif", "Liberation Serif") : d.Style.BodyFont;
        var italic = handwritten;
        d.Pages.Add(w =>
        {
            if (handwritten)
            {
                // Lined writing paper.
                w.Canvas.SetGrey(0.8);
                for (var ly = 30.0; ly < 285; ly += 8) w.Canvas.Line(8, ly, 202, ly, 0.15);
                w.Canvas.SetGrey(0);
            }
            var y = w.Y + 4;
            foreach (var l in senderLines) { w.Text(w.Left, y, l, w.Style.BodySize, italic: italic, font: font); y += PageWriter.LineHeight(w.Style.BodySize); }
            w.WindowAddress(["Conseil départemental de la Gironde", header[1].Length > 40 ? "Direction de l'Autonomie" : header[1], "Esplanade Charles-de-Gaulle", "33074 BORDEAUX CEDEX"], y + 8);
            w.Y = y + 40;
            w.RightAligned($"{(fromFamily ? city : p.City)}, le {(handwritten ? Slashed(d.IssueDate) : LongDate(d.IssueDate))}");
            w.Gap(4);
            if (refs.Length > 0) w.Line(refs.ToString(), bold: !handwritten, italic: italic, font: font);
            w.Line($"Objet : {objet}", bold: !handwritten, italic: italic, font: font);
            w.Gap(5);
            w.Line("Madame, Monsieur,", italic: italic, font: font);
            w.Gap(3);
            var n = pages == 1 ? body.Count : 2;
            foreach (var para in body.Take(n)) w.Paragraph(para, italic: italic, font: font);
            if (pages == 1)
            {
                w.Gap(4);
                w.Text(w.Left + 100, w.Y + 4, signName, w.Style.BodySize, italic: italic, font: font);
                w.Signature(w.Left + 100, w.Y + 14, 30);
            }
        });
        if (pages >= 2) d.Pages.Add(w =>
        {
            w.Y += 10;
            foreach (var para in body.Skip(2)) w.Paragraph(para, italic: italic, font: font);
            w.Gap(6);
            w.Text(w.Left + 100, w.Y + 4, signName, w.Style.BodySize, italic: italic, font: font);
            w.Signature(w.Left + 100, w.Y + 14, 30);
            w.Text(w.Left, 270, "P.J. : " + d.Pick("copie de la décision", "avis d'imposition", "aucune"), w.Style.BodySize - 1, italic: italic, font: font);
        });
    }
}
