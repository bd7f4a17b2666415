using System.Globalization;
using System.Text;
using CaptureChain.Classifier.Typing;

namespace CaptureChain.Classifier.Tests.Typing;

/// <summary>
/// OCR-like texts of the 12 default document types, made at test time from a few templates per type with random
/// people, amounts, dates, line order, shared letterheads and OCR noise (dropped accents, look-alike letters,
/// glued or split words, stray characters). The look-alike types share vocabulary on purpose (two application forms,
/// a decision and a care plan, an invoice and an energy bill).
/// </summary>
public sealed class SyntheticDocuments(int seed)
{
    private readonly Random _rng = new(seed);

    private static readonly string[] LastNames = ["DUPONT", "MARTIN", "LEFÈVRE", "DE LA FONTAINE", "N'DIAYE", "LE GALL", "BERNARD", "GARCIA", "FAURE", "ROUSSEAU", "MERCIER", "DUBOIS", "LAMBERT", "BONNET", "FRANÇOIS", "LEGRAND"];
    private static readonly string[] FirstNames = ["Marie", "Jeanne", "Marie-Thérèse", "Hélène", "Jean", "Jean-Pierre", "André", "Louise", "Gérard", "Françoise", "Noël", "Éliane", "Paulette", "René", "Simone", "Michel"];
    private static readonly string[] Streets = ["rue des Lilas", "avenue Thiers", "cours de la Marne", "chemin du Moulin", "place Gambetta", "allée des Pins", "rue Sainte-Catherine", "boulevard Wilson"];
    private static readonly string[] Towns = ["33000 BORDEAUX", "33700 MÉRIGNAC", "33600 PESSAC", "33400 TALENCE", "33500 LIBOURNE", "24000 PÉRIGUEUX", "33160 SAINT-MÉDARD-EN-JALLES"];
    private static readonly string[] Letterheads =
    [
        "DÉPARTEMENT DE LA GIRONDE\nDirection des solidarités\nPôle autonomie",
        "Conseil départemental de la Gironde\nService aide sociale",
        "Maison départementale des solidarités",
        "",
    ];

    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    /// <summary>Samples of the 12 default types, <paramref name="perType"/> each.</summary>
    public List<LabelledText> DefaultTaxonomy(int perType, double noise = 0.03) =>
        DocumentTaxonomy.Default.Types.SelectMany(t => Enumerable.Range(0, perType).Select(_ => new LabelledText(Document(t, noise), t))).ToList();

    /// <summary>One OCR-like text of <paramref name="type"/>.</summary>
    public string Document(string type, double noise = 0.03)
    {
        var lines = Templates(type);
        var header = Pick(Letterheads);
        var text = (header.Length > 0 && _rng.Next(3) > 0 ? header + "\n\n" : "") + string.Join('\n', lines);
        if (_rng.Next(4) == 0) text += "\n" + Pick("Page 1/2", "Page 1 sur 1", "Document à conserver", "Tournez SVP", "Réf. " + Digits(8));
        return Noise(text, noise);
    }

    /// <summary>A text from caller-given line templates (one list per variant), with the same line shuffling and noise.</summary>
    public string FromTemplates(IReadOnlyList<string[]> variants, double noise = 0.03)
    {
        var lines = Variant(variants.Select(v => v.Select(Fill).ToList()).ToArray());
        return Noise(string.Join('\n', lines), noise);
    }

    // Placeholders in caller templates: {name}, {date}, {amount}, {number}.
    private string Fill(string line) => line
        .Replace("{name}", $"{Pick(LastNames)} {Pick(FirstNames)}", StringComparison.Ordinal)
        .Replace("{date}", RecentDate(), StringComparison.Ordinal)
        .Replace("{amount}", Amount(), StringComparison.Ordinal)
        .Replace("{number}", Digits(8), StringComparison.Ordinal);

    /// <summary>Text that is no document at all: random letters, digits and punctuation.</summary>
    public string Garbage(int length = 600)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?'-_/\\|()[]{}#%&*+=<>~^\n";
        var sb = new StringBuilder();
        for (var i = 0; i < length; i++) sb.Append(alphabet[_rng.Next(alphabet.Length)]);
        return sb.ToString();
    }

    private List<string> Templates(string type)
    {
        var (last, first) = (Pick(LastNames), Pick(FirstNames));
        var person = _rng.Next(2) == 0 ? $"{last} {first}" : $"{first} {last}";
        var civility = Pick("Madame", "Monsieur", "Mme", "M.");
        var birth = BirthDate();
        var address = $"{_rng.Next(1, 150)} {Pick(Streets)}\n{Pick(Towns)}";
        var date = RecentDate();
        var caseNo = $"{Pick("APA", "PCH", "ASH")}-{_rng.Next(2015, 2026)}-{_rng.Next(1, 99999):00000}";
        var amount = Amount();
        List<string> lines;
        switch (type)
        {
            case "demande_apa":
                lines = Variant(
                    ["DEMANDE D'ALLOCATION PERSONNALISÉE D'AUTONOMIE (APA)", "À domicile ou en établissement", $"Nom : {last}", $"Prénom : {first}", $"Date de naissance : {birth}", $"Adresse : {address}",
                     "Situation familiale : " + Pick("veuf(ve)", "marié(e)", "célibataire"), "Vous vivez : " + Pick("seul(e) à domicile", "en couple", "en EHPAD"),
                     "Pièces à joindre : avis d'imposition, RIB, pièce d'identité", "Je certifie sur l'honneur l'exactitude des renseignements", $"Fait à Bordeaux le {date}", "Signature du demandeur"],
                    ["Formulaire de demande d'APA", "Cerfa n° 16301*01", "Demande d'aide à l'autonomie des personnes âgées", $"Identité du demandeur : {civility} {person}", $"Né(e) le {birth}",
                     "Type de demande : première demande / révision", "Aide souhaitée : " + Pick("aide à domicile", "portage de repas", "téléassistance", "accueil de jour"),
                     "Personne à contacter : " + Pick(LastNames) + " " + Pick(FirstNames), "Le dossier complet est à adresser au Président du Conseil départemental"],
                    ["APA à domicile - dossier de demande", $"Demandeur : {person}", $"Date de naissance {birth}", "Ressources : pensions de retraite " + amount + " € par mois",
                     "Évaluation de la perte d'autonomie par l'équipe médico-sociale (grille AGGIR)", "Engagement du demandeur", "Cadre réservé à l'administration"]);
                break;
            case "demande_mdph":
                lines = Variant(
                    ["FORMULAIRE DE DEMANDE(S) AUPRÈS DE LA MDPH", "Maison départementale des personnes handicapées", $"Nom de naissance : {last}", $"Prénom(s) : {first}", $"Date de naissance : {birth}",
                     "Demandes : AAH  PCH  CMI invalidité  RQTH  orientation ESMS", "Vie quotidienne : vos besoins dans la vie quotidienne", "Vie scolaire ou étudiante", "Situation professionnelle", "Cerfa n° 15692*01"],
                    ["Demande de prestation de compensation du handicap (PCH)", $"Identité de la personne handicapée : {person}", "Aide humaine  aide technique  aménagement du logement et du véhicule",
                     "Projet de vie : exprimez vos attentes et vos besoins", "Certificat médical de moins d'un an à joindre", "Commission des droits et de l'autonomie (CDAPH)"],
                    ["MDPH de la Gironde", "Demande de carte mobilité inclusion (CMI)", $"{civility} {person}", $"né(e) le {birth}", "Mention invalidité / priorité / stationnement",
                     "Allocation aux adultes handicapés (AAH)", "Orientation professionnelle", "Signature de la personne ou de son représentant légal"]);
                break;
            case "certificat_medical":
                lines = Variant(
                    ["CERTIFICAT MÉDICAL", $"Je soussigné(e), Docteur {Pick(LastNames)} {Pick(FirstNames)}, certifie avoir examiné ce jour", $"{civility} {person}, né(e) le {birth}",
                     "et constaté " + Pick("une perte d'autonomie importante", "des troubles cognitifs", "une hémiplégie", "une insuffisance cardiaque"),
                     "Certificat établi à la demande de l'intéressé(e) et remis en main propre pour servir et valoir ce que de droit", $"Fait le {date}", "Cachet et signature du médecin"],
                    ["Certificat médical joint à une demande à la MDPH", "Pathologie motivant la demande", "Diagnostic : " + Pick("sclérose en plaques", "maladie d'Alzheimer", "diabète de type 2", "polyarthrite"),
                     "Traitements et prises en charge thérapeutiques", "Retentissement fonctionnel et relationnel", "Déficiences sensorielles : auditive / visuelle", "Médecin traitant - RPPS " + Digits(11)],
                    ["Docteur " + Pick(LastNames) + " - Médecine générale", "Ordonnance / certificat", $"Patient : {person}", "Examen clinique : tension artérielle " + _rng.Next(10, 16) + "/" + _rng.Next(6, 10),
                     "État de santé nécessitant l'aide d'une tierce personne pour les actes essentiels de la vie", "Pronostic : " + Pick("stabilisé", "évolutif", "aggravation probable")]);
                break;
            case "avis_imposition":
                lines = Variant(
                    ["AVIS D'IMPÔT " + _rng.Next(2019, 2026) + " SUR LES REVENUS DE L'ANNÉE " + _rng.Next(2018, 2025), "Direction générale des Finances publiques", "Numéro fiscal : " + Digits(13),
                     "Référence de l'avis : " + Digits(13), "Revenu fiscal de référence : " + Amount(5) + " €", "Nombre de parts : " + Pick("1", "1,5", "2", "2,5"),
                     "Impôt sur le revenu net avant corrections", "Montant de votre impôt : " + Amount() + " €", "Vos revenus : salaires, pensions, retraites, rentes", "Centre des finances publiques"],
                    ["Avis de situation déclarative à l'impôt sur le revenu (ASDIR)", "impots.gouv.fr - espace particulier", $"Déclarant 1 : {person}", "Revenu brut global " + Amount(5),
                     "Revenu imposable " + Amount(5), "Situation du foyer fiscal : " + Pick("célibataire", "marié", "veuf"), "Pensions, retraites, rentes " + Amount(5)],
                    ["DGFiP - avis d'impôt sur le revenu", "Prélèvement à la source : taux du foyer " + _rng.Next(0, 15) + " %", "Détail des revenus et charges", "Réductions et crédits d'impôt",
                     "Emploi d'un salarié à domicile", "Solde à payer / restitution", "Date de mise en recouvrement " + date]);
                break;
            case "justificatif_domicile":
                lines = Variant(
                    [Pick("EDF", "ENGIE", "TotalEnergies") + " - Facture d'électricité", "Votre facture du " + date, "Référence client : " + Digits(10), $"Titulaire du contrat : {civility} {person}",
                     "Adresse de consommation : " + address, "Consommation relevée kWh " + _rng.Next(200, 3000), "Abonnement et consommation", "Montant TTC à payer " + amount + " €", "Prochain relevé de compteur"],
                    ["QUITTANCE DE LOYER", "Période du 1er " + Pick("janvier", "mars", "juin", "octobre") + " au 31", $"Locataire : {person}", "Adresse du logement loué : " + address,
                     "Loyer " + amount + " € charges locatives " + Amount() + " €", "Le bailleur reconnaît avoir reçu la somme de", "pour solde de tout compte de loyer et charges", "Signature du propriétaire"],
                    [Pick("Suez", "Veolia", "Régie de l'eau") + " - facture d'eau", "Abonnement eau potable et assainissement", "Index compteur " + _rng.Next(100, 9999) + " m3",
                     $"Abonné : {person}", "Lieu de desserte : " + address, "Redevance pollution agence de l'eau", "Total facture " + amount + " €"]);
                break;
            case "rib":
                lines = Variant(
                    ["RELEVÉ D'IDENTITÉ BANCAIRE", Pick("Crédit Agricole", "Banque Postale", "Caisse d'Épargne", "Société Générale", "BNP Paribas"), $"Titulaire du compte : {civility} {person}", address,
                     "Code banque " + Digits(5) + " Code guichet " + Digits(5) + " N° de compte " + Digits(11) + " Clé RIB " + Digits(2), "IBAN FR76 " + Digits(4) + " " + Digits(4) + " " + Digits(4) + " " + Digits(4) + " " + Digits(4) + " " + Digits(3),
                     "BIC " + Pick("AGRIFRPP833", "PSSTFRPPBOR", "CEPAFRPP333", "SOGEFRPP"), "Domiciliation : agence de " + Pick("Bordeaux", "Mérignac", "Pessac")],
                    ["Relevé d'identité bancaire / RIB", "Identifiant national de compte bancaire - RIB", "International Bank Account Number (IBAN)", "Bank Identifier Code (BIC)", $"Titulaire : {person}",
                     "Remettez ce relevé à vos créanciers ou débiteurs pour vos prélèvements et virements"]);
                break;
            case "piece_identite":
                lines = Variant(
                    ["RÉPUBLIQUE FRANÇAISE", "CARTE NATIONALE D'IDENTITÉ", "Nom : " + last, "Prénom(s) : " + first, "Sexe : " + Pick("F", "M") + " Nationalité : FRA", "Né(e) le : " + birth,
                     "à : " + Pick("BORDEAUX", "PÉRIGUEUX", "AJACCIO", "ALGER"), "Taille : 1," + _rng.Next(50, 90) + " m", "IDFRA" + last.Replace(" ", "<", StringComparison.Ordinal) + "<<<<<<<<<<<" + Digits(6)],
                    ["PASSEPORT / PASSPORT", "Type P Code FRA", "Nom / Surname " + last, "Prénoms / Given names " + first, "Date de naissance / Date of birth " + birth,
                     "Date de délivrance / Date of issue " + date, "Autorité / Authority Préfecture", "P<FRA" + last.Replace(" ", "<", StringComparison.Ordinal) + "<<" + first.ToUpperInvariant()],
                    ["TITRE DE SÉJOUR", "Résident de longue durée - UE", $"{last} {first}", "Nationalité : " + Pick("MAROCAINE", "ALGÉRIENNE", "PORTUGAISE", "SÉNÉGALAISE"),
                     "Valable jusqu'au " + date, "Remarques : autorise son titulaire à travailler", "Préfecture de la Gironde"]);
                break;
            case "jugement_protection":
                lines = Variant(
                    ["TRIBUNAL JUDICIAIRE DE BORDEAUX", "Service des contentieux de la protection - juge des tutelles", "JUGEMENT D'OUVERTURE D'UNE MESURE DE PROTECTION", $"Concernant {civility} {person}, né(e) le {birth}",
                     "Vu les articles 425 et suivants du code civil", "Vu le certificat médical circonstancié", "PAR CES MOTIFS", "Ordonne l'ouverture d'une mesure de " + Pick("tutelle", "curatelle renforcée", "curatelle simple"),
                     "Désigne en qualité de " + Pick("tuteur", "curateur") + " : " + Pick("l'UDAF de la Gironde", "M. " + Pick(LastNames) + " " + Pick(FirstNames) + ", mandataire judiciaire"), "Fixe la durée de la mesure à " + _rng.Next(5, 10) + " ans", "Le greffier  Le juge"],
                    ["Jugement d'habilitation familiale", "Le juge des contentieux de la protection", $"Personne à protéger : {person}", "Habilitation générale à représenter", "Dit que la personne habilitée pourra accomplir les actes d'administration et de disposition",
                     "Notifié aux parties par lettre recommandée", "Exécution provisoire"],
                    ["Extrait de jugement - renouvellement de mesure", "Tribunal judiciaire - pôle protection des majeurs", $"Majeur protégé : {person}", "Renouvelle la mesure de tutelle pour une durée de " + _rng.Next(5, 20) + " ans",
                     "Mandataire judiciaire à la protection des majeurs", "Compte de gestion annuel à transmettre au greffe"]);
                break;
            case "notification_decision":
                lines = Variant(
                    ["NOTIFICATION DE DÉCISION", $"Objet : {Pick("allocation personnalisée d'autonomie", "prestation de compensation du handicap", "aide sociale à l'hébergement")}", $"Dossier n° {caseNo}", $"{civility} {person}",
                     "Le Président du Conseil départemental décide :", "Article 1 : " + Pick("l'attribution", "le rejet", "la révision") + " de votre demande", "Montant mensuel attribué : " + amount + " €",
                     "à compter du " + date, "Voies de recours : vous pouvez contester cette décision dans un délai de deux mois", "recours administratif préalable obligatoire", "tribunal administratif"],
                    ["Décision du Président du Conseil départemental", "Vu le code de l'action sociale et des familles", "Vu la demande déposée le " + date, "DÉCIDE", "Participation financière du bénéficiaire : " + _rng.Next(0, 90) + " %",
                     "La présente décision vous est notifiée", "Délais et voies de recours", $"Réf. {caseNo}"]);
                break;
            case "plan_aide":
                lines = Variant(
                    ["PROPOSITION DE PLAN D'AIDE", "Allocation personnalisée d'autonomie à domicile", $"Bénéficiaire : {person}", "Groupe iso-ressources (GIR) : " + _rng.Next(1, 5),
                     "Aide humaine : " + _rng.Next(10, 60) + " heures par mois - service d'aide à domicile", "Portage de repas  téléassistance  protections", "Tarif horaire " + _rng.Next(20, 26) + "," + _rng.Next(10, 99) + " €",
                     "Montant du plan d'aide " + amount + " €", "Votre participation", "Vous disposez de 10 jours pour accepter ou refuser cette proposition", "Évaluateur médico-social"],
                    ["Plan d'aide personnalisé", "Évaluation multidimensionnelle à domicile", "Besoins identifiés : toilette, habillage, courses, entretien du logement", "Intervenant : SAAD " + Pick("ADMR", "Aide et Répit", "Domicile Services"),
                     "Nombre d'heures mensuelles " + _rng.Next(10, 60), "Aides techniques préconisées : lit médicalisé, barres d'appui", $"Dossier {caseNo}", "Bon pour accord du bénéficiaire"]);
                break;
            case "facture_etablissement":
                lines = Variant(
                    ["EHPAD " + Pick("Les Tilleuls", "Le Bois Fleuri", "Saint-Joseph", "La Roseraie"), "FACTURE N° " + Digits(6), "Période : " + Pick("janvier", "février", "mars", "avril") + " " + _rng.Next(2020, 2026),
                     $"Résident : {person}", "Tarif hébergement journalier " + _rng.Next(60, 95) + "," + _rng.Next(10, 99) + " € x 31 jours", "Tarif dépendance GIR 5-6", "Ticket modérateur",
                     "Déduction aide sociale à l'hébergement", "Total à payer " + amount + " €", "Règlement à réception par virement ou chèque"],
                    ["Service d'aide et d'accompagnement à domicile", "Facture mensuelle d'intervention", $"Bénéficiaire : {person}", "Heures réalisées " + _rng.Next(10, 60) + " h x " + _rng.Next(20, 26) + " €",
                     "Prise en charge APA département", "Reste à charge du bénéficiaire " + amount + " €", "N° SIRET " + Digits(14), "Crédit d'impôt services à la personne"]);
                break;
            default: // courrier
                lines = Variant(
                    [$"{civility} {person}", address, "à Monsieur le Président du Conseil départemental", "Objet : " + Pick("demande de renseignements", "changement d'adresse", "réclamation", "ma demande d'APA"),
                     "Monsieur le Président,", "Je me permets de vous écrire au sujet de " + Pick("mon dossier", "la situation de ma mère", "mon père hospitalisé", "ma demande en cours"),
                     "Pourriez-vous m'indiquer où en est " + Pick("le traitement", "l'examen", "la décision"), "Je vous remercie par avance de votre réponse", "Veuillez agréer, Monsieur le Président, l'expression de mes salutations distinguées"],
                    ["Bonjour,", "Je vous écris car " + Pick("ma maman", "mon mari", "ma sœur") + " ne peut plus rester seule", "nous avons besoin d'aide pour " + Pick("les courses", "la toilette", "les papiers"),
                     "Vous trouverez ci-joint les documents demandés", "Merci de me rappeler au 06 " + Digits(2) + " " + Digits(2) + " " + Digits(2) + " " + Digits(2), "Cordialement", person],
                    [$"{person}", address, $"Bordeaux, le {date}", "Madame, Monsieur,", "Suite à votre courrier du " + RecentDate() + ", je vous informe que", Pick("je déménage", "je suis hospitalisé", "mon fils s'occupe désormais de mes affaires"),
                     "Je reste à votre disposition pour tout complément", "Avec mes remerciements"]);
                break;
        }
        return lines;
    }

    private List<string> Variant(params List<string>[] variants)
    {
        var lines = new List<string>(Pick(variants));
        // Forms are filled in, letters cut: drop a few lines and swap neighbours so no two samples are identical.
        var drop = _rng.Next(0, Math.Max(1, lines.Count / 4));
        for (var i = 0; i < drop && lines.Count > 3; i++) lines.RemoveAt(1 + _rng.Next(lines.Count - 1));
        for (var i = 1; i + 1 < lines.Count; i++)
            if (_rng.Next(6) == 0) (lines[i], lines[i + 1]) = (lines[i + 1], lines[i]);
        return lines;
    }

    private string Noise(string text, double rate)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            var roll = _rng.NextDouble();
            if (roll >= rate) { sb.Append(c); continue; }
            switch (_rng.Next(7))
            {
                case 0: sb.Append(Person_StripAccent(c)); break;
                case 1: sb.Append(c switch { 'o' => '0', 'l' => '1', 'e' => 'c', 'i' => 'l', 'a' => 'o', 'm' => 'n', 'S' => '5', 'B' => '8', _ => c }); break;
                case 2: break; // dropped character
                case 3: sb.Append(c).Append(c == ' ' ? "" : " "); break; // split word
                case 4: if (c != ' ') sb.Append(c); break; // glued words
                case 5: sb.Append(c).Append(Pick("'", ".", ",", "~", "|", "°")); break;
                default: sb.Append(c == 'm' ? "rn" : c.ToString()); break;
            }
        }
        return sb.ToString();
    }

    private static char Person_StripAccent(char c) => c switch
    {
        'é' or 'è' or 'ê' or 'ë' => 'e', 'à' or 'â' => 'a', 'î' or 'ï' => 'i', 'ô' => 'o', 'û' or 'ù' => 'u', 'ç' => 'c',
        'É' or 'È' => 'E', _ => c,
    };

    private string BirthDate()
    {
        var d = new DateOnly(_rng.Next(1925, 1990), _rng.Next(1, 13), _rng.Next(1, 29));
        return _rng.Next(3) == 0 ? d.ToString("d MMMM yyyy", French) : d.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
    }

    private string RecentDate() =>
        new DateOnly(_rng.Next(2019, 2026), _rng.Next(1, 13), _rng.Next(1, 29)).ToString(_rng.Next(2) == 0 ? "dd/MM/yyyy" : "d MMMM yyyy", French);

    private string Amount(int digits = 3) => _rng.Next((int)Math.Pow(10, digits - 1), (int)Math.Pow(10, digits)) + "," + _rng.Next(10, 99);

    private string Digits(int count) => string.Concat(Enumerable.Range(0, count).Select(_ => (char)('0' + _rng.Next(10))));

    private T Pick<T>(params T[] options) => options[_rng.Next(options.Length)];
}
