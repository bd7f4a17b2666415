using System.Text.RegularExpressions;
using CaptureChain.Classifier.Names;
using CaptureChain.Classifier.Text;

namespace CaptureChain.Classifier.Identifiers;

public static partial class IdentifierExtractor
{
    // On folded text. "Nom", "Nom de naissance", "Nom d'usage", "Nom du demandeur", "Prénom(s)", "Nom et prénom(s)", and the
    // bilingual labels of identity documents ("NOM / Surname", "Prénoms / Given names", as OCR reads them: "NOM /Sumame",
    // "prénoms 7 Given names"). A particle of a qualifier is a word of its own: "Nom DUPRAT" is no "nom du prat".
    [GeneratedRegex(@"(?<![a-z])(?:(?<full>nom\s+et\s+prenoms?|nom\s*[,/]\s*prenoms?|nom\s+prenoms?|nom\s+-\s+prenoms?)|(?<first>prenoms?)|(?<last>nom))(?:\s*\(\s*s\s*\))?(?:\s+usuels?)?(?:\s+(?<qualifier>de\s+naissance|d'usage|de\s+famille|de\s+jeune\s+fille|d'epouse|marital|patronymique|(?:(?:du|de\s+la|de|des)\s+|de\s+l'\s*)[a-z]+))?(?![a-z])(?:\s*\(\s*s\s*\))?(?<gloss>[ \t]*[/7|][ \t]*(?:s[a-z]{4,7}|given\s*[a-z]{3,6}|first\s*names?|names?)(?![a-z]))?(?<colon>[ \t]*[:.])?")]
    private static partial Regex NameFieldLabel();

    [GeneratedRegex(@"(?<![\p{L}\p{N}])(?:(?i:monsieur|madame|mademoiselle)|M\.|Mr\.?|Mme\.?|MME\.?|Mlle\.?|MLLE\.?|M(?=[ \t]+\p{Lu}{2}))(?=[ \t])")]
    private static partial Regex CivilityWord();

    [GeneratedRegex(@"(?<![a-z])(?:dr|docteur|pr|professeur|me|maitre)\.?\s*$")]
    private static partial Regex ProfessionalTitleBefore();

    // "DUPONT Marie", "DE LA FONTAINE Jean-Pierre", "N'DIAYE Fatou".
    [GeneratedRegex(@"(?<![\p{L}'’\-])(?<last>\p{Lu}[\p{Lu}'’\-]*\p{Lu}(?:[ ]\p{Lu}[\p{Lu}'’\-]*\p{Lu}){0,3})[ ]{1,3}(?<first>\p{Lu}\p{Ll}[\p{Ll}'’]*(?:-\p{Lu}\p{Ll}+)*)(?![\p{L}\-])")]
    private static partial Regex UpperLastFirst();

    // "Marie DUPONT", "Jean-Pierre LE GALL".
    [GeneratedRegex(@"(?<![\p{L}'’\-])(?<first>\p{Lu}\p{Ll}[\p{Ll}'’]*(?:-\p{Lu}\p{Ll}+)*)[ ]{1,3}(?<last>\p{Lu}[\p{Lu}'’\-]*\p{Lu}(?:[ ]\p{Lu}[\p{Lu}'’\-]*\p{Lu}){0,3})(?![\p{L}'’\-])")]
    private static partial Regex FirstUpperLast();

    // Someone acting for or about the person concerned: the name that follows is not the subject's.
    private static readonly string[] OtherPersonWords =
    [
        "tuteur", "tutrice", "curateur", "curatrice", "representant", "mandataire", "medecin", "docteur", "aidant", "aidante",
        "conjoint", "conjointe", "epoux", "epouse", "enfant", "fils", "fille", "pere", "mere", "employeur", "proprietaire",
        "bailleur", "signataire", "referent", "referente", "contact", "contacter", "prevenir", "payeur", "notaire", "juge", "greffier",
        "directeur", "directrice", "assistante", "assistant", "infirmier", "infirmiere", "redacteur", "agent",
    ];

    private static readonly string[] SubjectQualifierWords =
    [
        "naissance", "usage", "famille", "jeune", "epouse", "marital", "patronymique", "demandeur", "demandeuse",
        "beneficiaire", "usager", "resident", "residente", "requerant", "requerante", "allocataire", "patient",
        "patiente", "personne", "majeur", "majeure", "titulaire", "assure", "assuree", "interesse", "interessee",
    ];

    // Words in capitals or capitalised that are not names (headings, labels, civilities, institutions).
    private static readonly HashSet<string> NotNameWords = new(StringComparer.Ordinal)
    {
        "MADAME", "MONSIEUR", "MADEMOISELLE", "MME", "MLLE", "MR", "DR", "DOCTEUR", "PR", "ME", "MAITRE", "NE", "NEE",
        "NOM", "PRENOM", "PRENOMS", "DATE", "ADRESSE", "EPOUSE", "VEUVE", "VVE", "EP", "TEL", "TELEPHONE", "FAX", "MAIL",
        "COURRIEL", "SEXE", "LIEU", "CODE", "VILLE", "COMMUNE", "AGE", "NATIONALITE", "SIGNATURE", "OBJET", "REF",
        "REFERENCE", "DOSSIER", "NUMERO", "LE", "LA", "LES", "DE", "DU", "DES", "ET", "OU", "A", "AU", "AUX", "EN", "PAR",
        "POUR", "SUR", "DANS", "AVEC", "SANS", "VOTRE", "VOS", "NOTRE", "NOS", "MON", "MA", "MES", "SON", "SA", "SES",
        "JE", "IL", "ELLE", "NOUS", "VOUS", "ILS", "CE", "CET", "CETTE", "CES", "UN", "UNE", "FAIT", "LU", "APPROUVE",
        "DEMANDE", "DEMANDEUR", "CERTIFICAT", "MEDICAL", "AVIS", "IMPOT", "IMPOTS", "REVENUS", "SITUATION", "DECLARATIVE",
        "JUSTIFICATIF", "DOMICILE", "FACTURE", "QUITTANCE", "LOYER", "RELEVE", "IDENTITE", "BANCAIRE", "CARTE",
        "NATIONALE", "PASSEPORT", "TITRE", "SEJOUR", "JUGEMENT", "TRIBUNAL", "JUDICIAIRE", "TUTELLE", "CURATELLE",
        "HABILITATION", "FAMILIALE", "NOTIFICATION", "DECISION", "PLAN", "AIDE", "AIDES", "PROPOSITION", "ETABLISSEMENT",
        "EHPAD", "COURRIER", "ALLOCATION", "PERSONNALISEE", "AUTONOMIE", "PRESTATION", "COMPENSATION", "HANDICAP",
        "SOCIALE", "SOCIAL", "HEBERGEMENT", "DEPARTEMENT", "DEPARTEMENTAL", "DEPARTEMENTALE", "CONSEIL", "PRESIDENT",
        "PRESIDENTE", "SERVICE", "SERVICES", "DIRECTION", "MAISON", "PERSONNES", "HANDICAPEES", "MDPH", "CAF", "CPAM",
        "APA", "PCH", "ASH", "ASE", "AAH", "RSA", "CMI", "IBAN", "BIC", "RIB", "FR", "EUR", "EUROS", "TTC", "HT", "TVA",
        "TOTAL", "MONTANT", "PAGE", "ANNEXE", "ARTICLE", "REPUBLIQUE", "FRANCAISE", "LIBERTE", "EGALITE", "FRATERNITE",
        "BANQUE", "AGENCE", "DOMICILIATION", "TITULAIRE", "COMPTE", "CLE", "GUICHET", "EDF", "ENGIE", "SUEZ", "VEOLIA",
        "ORANGE", "SFR", "FREE", "BOUYGUES", "TOTALENERGIES", "ENERGIE", "EAU", "GAZ", "ELECTRICITE", "CLIENT", "CONTRAT",
        "SIGNE", "CACHET", "VU", "ATTENDU", "CONSIDERANT", "DECIDE", "ORDONNE", "DIT", "PAR", "CES", "MOTIFS", "JUGE",
        "GREFFIER", "CONTENTIEUX", "PROTECTION", "MAJEURS", "MAJEUR", "PROTEGE", "PROTEGEE", "MANDATAIRE", "TUTEUR",
        "CURATEUR", "MEDECIN", "TRAITANT", "PATIENT", "GIR", "AGGIR", "SAAD", "SSIAD", "CCAS", "CLIC", "UDAF", "ATI",
        "BORDEAUX", "CEDEX", "BP", "CS", "TSA", "SIRET", "FINESS", "URSSAF", "DGFIP", "NIR", "INSEE", "NUMERO",
        "ALLOCATAIRE", "BENEFICIAIRE", "USAGER", "MONTANTS", "MENSUEL", "MENSUELLE", "ANNUEL", "PERIODE", "DU", "AU",
        "JANVIER", "FEVRIER", "MARS", "AVRIL", "MAI", "JUIN", "JUILLET", "AOUT", "SEPTEMBRE", "OCTOBRE", "NOVEMBRE",
        "DECEMBRE", "LUNDI", "MARDI", "MERCREDI", "JEUDI", "VENDREDI", "SAMEDI", "DIMANCHE", "OBJET", "COPIE", "PJ",
        "MERCI", "BONJOUR", "CORDIALEMENT", "SALUTATIONS", "VEUILLEZ", "AGREER", "RECU", "ENVOYE", "RETOUR", "URGENT",
        // The English half of identity documents' bilingual labels.
        "SURNAME", "GIVEN", "NAME", "NAMES", "SEX", "BIRTH", "PLACE", "NATIONALITY", "IDENTITY", "CARD", "PASSPORT", "OF",
        "FRA", "FRANCE",
    };

    private enum TokenShape { Upper, Capitalised, Particle, Other }

    private readonly record struct NameToken(string Text, int Start, int End, TokenShape Shape);

    private static List<FoundName> FindNames(string text, string folded)
    {
        var found = new List<FoundName>();
        FindFieldNames(text, folded, found);
        FindCivilityNames(text, found);
        FindUpperCaseNames(text, found);
        // One reading per place: fields beat civilities, which beat the bare upper-case form. Field names may
        // overlap each other ("Nom de naissance" and "Nom d'usage" share the "Prénom" between them).
        static int Rank(FoundName f) => f.Source switch { NameSource.SubjectField or NameSource.OtherField => 0, NameSource.Civility => 1, _ => 2 };
        var kept = new List<FoundName>();
        foreach (var name in found.OrderBy(Rank).ThenByDescending(f => f.Span.Length))
        {
            if (kept.Any(k => k.Span.Offset < name.Span.End && name.Span.Offset < k.Span.End && (Rank(k) < Rank(name) || Rank(name) > 0 || k.Name == name.Name)))
                continue;
            kept.Add(name);
        }
        return kept.OrderBy(k => k.Span.Offset).ToList();
    }

    private sealed record NameField(string Kind, int LabelStart, List<NameToken> Value, bool Subject);

    private static void FindFieldNames(string text, string folded, List<FoundName> found)
    {
        var fields = new List<NameField>();
        foreach (Match m in NameFieldLabel().Matches(folded))
        {
            // "au nom de Madame X" is prose, not a field: a field label ends with a colon, starts its line, or carries
            // the English gloss of identity documents (OCR may leave specks before it).
            if (!m.Groups["colon"].Success && !m.Groups["gloss"].Success && !StartsLine(folded, m.Index)) continue;
            var kind = m.Groups["full"].Success ? "full" : m.Groups["first"].Success ? "first" : "last";
            var value = ReadNameTokens(text, m.Index + m.Length, maxTokens: 5);
            if (value.Count == 0 || value.All(t => t.Shape == TokenShape.Particle)) continue;
            var subject = IsSubjectField(folded, m.Index, m.Groups["qualifier"].Success ? m.Groups["qualifier"].Value : null);
            fields.Add(new NameField(kind, m.Index, value, subject));
        }

        foreach (var field in fields.Where(f => f.Kind != "first"))
        {
            var source = field.Subject ? NameSource.SubjectField : NameSource.OtherField;
            var hasUpper = field.Value.Any(t => t.Shape == TokenShape.Upper);
            var hasCapitalised = field.Value.Any(t => t.Shape == TokenShape.Capitalised);
            if (field.Kind == "full" || (hasUpper && hasCapitalised))
            {
                if (SplitName(field.Value, lastFirst: true) is { } full)
                    found.Add(new FoundName(full.Name, SpanOfTokens(field.Value), source, full.OrderKnown));
                continue;
            }
            // A last-name field takes the nearest first-name field about the same person (the subject or someone else);
            // "Nom de naissance" and "Nom d'usage" share the one "Prénom".
            var first = fields
                .Where(f => f.Kind == "first" && f.Subject == field.Subject && Math.Abs(f.LabelStart - field.LabelStart) <= 200)
                .OrderBy(f => Math.Abs(f.LabelStart - field.LabelStart))
                .FirstOrDefault();
            var lastName = JoinTokens(field.Value);
            if (first is null)
            {
                found.Add(new FoundName(new PersonName(lastName, null), SpanOfTokens(field.Value), source, OrderKnown: true));
                continue;
            }
            var firstName = JoinTokens(first.Value.TakeWhile(t => t.Shape != TokenShape.Other).ToList());
            // One or two letters that are not an initial ("Se" out of "Prénom(s) Se - | Solange") are OCR noise, not a
            // first name: reading them as one would contradict the right person.
            if (firstName.Length == 2 || (firstName.Length == 1 && !(first.Value[0].End < text.Length && text[first.Value[0].End] == '.')))
                firstName = "";
            var start = Math.Min(field.Value[0].Start, first.Value[0].Start);
            var end = Math.Max(field.Value[^1].End, first.Value[^1].End);
            found.Add(new FoundName(new PersonName(lastName, firstName.Length == 0 ? null : firstName), new TextSpan(start, end - start), source, OrderKnown: true));
        }
    }

    private static bool StartsLine(string folded, int index)
    {
        for (var i = index - 1; i >= 0 && folded[i] != '\n'; i--)
            if (char.IsLetterOrDigit(folded[i])) return false;
        return true;
    }

    private static bool IsSubjectField(string folded, int labelIndex, string? qualifier)
    {
        if (qualifier is not null)
        {
            var word = qualifier.Split([' ', '\''], StringSplitOptions.RemoveEmptyEntries)[^1];
            return SubjectQualifierWords.Contains(word);
        }
        // An unqualified "Nom :" under a heading about someone else ("Représentant légal", "Personne à prévenir").
        var from = Math.Max(0, labelIndex - 160);
        var before = folded[from..labelIndex];
        var lastOther = OtherPersonWords.Select(w => LastWordIndex(before, w)).Max();
        var lastSubject = SubjectQualifierWords.Select(w => LastWordIndex(before, w)).Max();
        return lastOther < 0 || lastSubject > lastOther;
    }

    private static int LastWordIndex(string text, string word)
    {
        for (var i = text.LastIndexOf(word, StringComparison.Ordinal); i >= 0; i = i == 0 ? -1 : text.LastIndexOf(word, i - 1, StringComparison.Ordinal))
        {
            var beforeOk = i == 0 || !char.IsLetter(text[i - 1]);
            var afterOk = i + word.Length >= text.Length || !char.IsLetter(text[i + word.Length]);
            if (beforeOk && afterOk) return i;
        }
        return -1;
    }

    private static void FindCivilityNames(string text, List<FoundName> found)
    {
        foreach (Match m in CivilityWord().Matches(text))
        {
            var tokens = ReadNameTokens(text, m.Index + m.Length, maxTokens: 5);
            while (tokens.Count > 0 && tokens[^1].Shape == TokenShape.Particle) tokens.RemoveAt(tokens.Count - 1);
            if (tokens.Count == 0) continue;
            // "Madame Dupont" or "Madame DUPONT": a civility followed by a single word is a last name.
            if (tokens.Count == 1)
            {
                if (tokens[0].Text.Length < 2) continue;
                found.Add(new FoundName(new PersonName(tokens[0].Text, null), SpanOfTokens(tokens), NameSource.Civility, OrderKnown: true));
                continue;
            }
            if (SplitName(tokens, lastFirst: tokens[0].Shape == TokenShape.Upper) is { } name)
                found.Add(new FoundName(name.Name, SpanOfTokens(tokens), NameSource.Civility, name.OrderKnown));
        }
    }

    private static void FindUpperCaseNames(string text, List<FoundName> found)
    {
        foreach (var regex in new[] { UpperLastFirst(), FirstUpperLast() })
        {
            foreach (Match m in regex.Matches(text))
            {
                var last = m.Groups["last"].Value;
                var first = m.Groups["first"].Value;
                if (!IsPlausibleUpperName(last) || IsNotNameWord(first)) continue;
                // "Dr MARTIN Paul", "Maître DURAND": professionals, not people a document is about.
                var before = TextFolding.FoldLower(text[Math.Max(0, m.Index - 10)..m.Index]);
                if (ProfessionalTitleBefore().IsMatch(before)) continue;
                found.Add(new FoundName(new PersonName(last, first), new TextSpan(m.Index, m.Length), NameSource.UpperCaseForm, OrderKnown: true));
            }
        }
    }

    private static bool IsPlausibleUpperName(string upper)
    {
        var words = NameComparer.Tokens(upper);
        return words.Count > 0 && words.All(w => !NotNameWords.Contains(w) || w is "DE" or "LA" or "LE" or "DU" or "DES") &&
               words.Any(w => w.Length >= 2 && !NotNameWords.Contains(w));
    }

    private static bool IsNotNameWord(string word) => NameComparer.Tokens(word).Any(NotNameWords.Contains);

    /// <summary>
    /// Reads up to <paramref name="maxTokens"/> name-like words on the same line from <paramref name="start"/>:
    /// capitalised or upper-case words, and lower-case particles followed by one. Stops at labels and numbers.
    /// </summary>
    private static List<NameToken> ReadNameTokens(string text, int start, int maxTokens)
    {
        var tokens = new List<NameToken>();
        var i = start;
        // Table borders and underlines come out of OCR as '|' and '_' between a label and its value.
        while (i < text.Length && text[i] is ' ' or '\t' or ':' or '\u00A0' or '.' or '|' or '_') i++;
        while (tokens.Count < maxTokens && i < text.Length)
        {
            var tokenStart = i;
            // OCR reads O as 0 and I as 1 inside words ("DUP0NT"): digits between letters stay in the word.
            while (i < text.Length && (char.IsLetter(text[i]) || text[i] is '\'' or '’' or '-' ||
                                       (text[i] is '0' or '1' && i > tokenStart && i + 1 < text.Length && char.IsLetter(text[i + 1]))))
                i++;
            if (i == tokenStart) break;
            var word = text[tokenStart..i].TrimEnd('-');
            var shape = ShapeOf(word);
            var endsName = false;
            if (i < text.Length && text[i] is '.' or ',') { endsName = text[i] == ',' || word.Length > 1; i++; }
            else if (i < text.Length && !(text[i] is ' ' or '\t' or '\u00A0' or '\r' or '\n'))
            {
                // "N°", "M2": not a word. Other punctuation (";", ")", "/") ends the name after this word.
                if (text[i] == '°' || char.IsDigit(text[i]) || char.IsLetter(text[i])) break;
                endsName = true;
            }
            if (shape == TokenShape.Other || (!IsParticleWord(word) && IsNotNameWord(word))) break;
            tokens.Add(new NameToken(word, tokenStart, tokenStart + word.Length, shape));
            if (endsName) break;
            // One or two spaces between words of a name; more is the next column of a form.
            var gap = 0;
            while (i < text.Length && text[i] is ' ' or '\u00A0') { i++; gap++; }
            if (gap is 0 or > 2) break;
        }
        while (tokens.Count > 0 && tokens[^1].Shape == TokenShape.Particle) tokens.RemoveAt(tokens.Count - 1);
        return tokens;
    }

    private static bool IsParticleWord(string word) =>
        TextFolding.FoldLower(word) is "de" or "du" or "des" or "la" or "le" or "d'" or "l'" or "van" or "von" or "del" or "della" or "di" or "da" or "dos";

    private static TokenShape ShapeOf(string word)
    {
        var folded = TextFolding.FoldLower(word);
        if (IsParticleWord(word))
            return char.IsLower(word[0]) || word.Length <= 3 && !word.Skip(1).Any(char.IsUpper) && char.IsLower(word[^1]) ? TokenShape.Particle : ShapeOfLetters(word);
        if (folded.StartsWith("d'", StringComparison.Ordinal) && char.IsLower(word[0])) return TokenShape.Particle;
        return ShapeOfLetters(word);
    }

    private static TokenShape ShapeOfLetters(string word)
    {
        var letters = word.Where(char.IsLetter).ToList();
        if (letters.Count == 0 || !char.IsUpper(letters[0])) return TokenShape.Other;
        if (letters.All(char.IsUpper)) return letters.Count >= 2 || word.Length == 1 ? TokenShape.Upper : TokenShape.Other;
        return TokenShape.Capitalised;
    }

    /// <summary>
    /// Splits name words into last and first name: capitals are the last name, capitalised words the first name.
    /// When all words share one shape the order is a convention (<paramref name="lastFirst"/>) and is marked unknown.
    /// </summary>
    private static (PersonName Name, bool OrderKnown)? SplitName(List<NameToken> tokens, bool lastFirst)
    {
        tokens = tokens.Where(t => t.Shape != TokenShape.Other).ToList();
        while (tokens.Count > 0 && tokens[^1].Shape == TokenShape.Particle) tokens.RemoveAt(tokens.Count - 1);
        if (tokens.Count == 0) return null;
        // Upper-case words that are single letters ("J.") are initials of a first name.
        var upper = new List<NameToken>();
        var capitalised = new List<NameToken>();
        for (var k = 0; k < tokens.Count; k++)
        {
            var t = tokens[k];
            var next = k + 1 < tokens.Count ? tokens[k + 1] : (NameToken?)null;
            if (t.Shape == TokenShape.Particle) { (next?.Shape == TokenShape.Capitalised && upper.Count == 0 ? capitalised : upper).Add(t); continue; }
            if (t.Shape == TokenShape.Upper && t.Text.Length > 1) upper.Add(t);
            else capitalised.Add(t);
        }
        // Particles go with the capitals after them ("Jean de LA FONTAINE"); without capitals the shapes tell nothing.
        if (upper.Count > 0 && capitalised.Count > 0 && upper.Any(u => u.Shape == TokenShape.Upper))
        {
            return (new PersonName(JoinTokens(upper), JoinTokens(capitalised)), true);
        }
        var all = tokens;
        if (all.Count == 1) return (new PersonName(all[0].Text, null), true);
        return lastFirst
            ? (new PersonName(JoinTokens(all.Take(all.Count - 1).ToList()), all[^1].Text), false)
            : (new PersonName(JoinTokens(all.Skip(1).ToList()), all[0].Text), false);
    }

    private static string JoinTokens(IReadOnlyList<NameToken> tokens) => string.Join(' ', tokens.Select(t => t.Text));

    private static TextSpan SpanOfTokens(IReadOnlyList<NameToken> tokens) => new(tokens[0].Start, tokens[^1].End - tokens[0].Start);
}
