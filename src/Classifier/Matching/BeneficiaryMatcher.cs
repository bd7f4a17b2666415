using CaptureChain.Classifier.Identifiers;
using CaptureChain.Classifier.Names;
using CaptureChain.Classifier.Registry;

namespace CaptureChain.Classifier.Matching;

/// <summary>
/// Decides which beneficiary a document is about, zero misfiles first. A document is matched when its strong
/// identifiers (NIR, case number, CAF number, cover sheet) all designate one registry row and nothing on the page
/// contradicts it, or, without strong identifiers, when name + birth date or name + street address designate exactly
/// one row. A name alone never matches; identifiers unknown to the registry are never filed. Thread-safe.
/// </summary>
public sealed class BeneficiaryMatcher(BeneficiaryRegistry registry)
{
    // A birth date belongs to the names written shortly before it ("DUPONT Marie, née le ...").
    private const int BirthDateReach = 250;
    private const int MaxCandidatesPerName = 10;

    private sealed record StrongId(string Kind, IReadOnlyList<Beneficiary> Rows, Nir? Nir = null);

    private sealed record DatedNames(FoundBirthDate Date, IReadOnlyList<FoundName> Names);

    /// <summary>
    /// Matches the identifiers read on a document, plus the case number of the cover sheet the document came after
    /// (null when none), against the registry.
    /// </summary>
    public BeneficiaryMatch Match(ExtractedIdentifiers ids, string? coverSheetCaseNumber) => Match(ids, coverSheetCaseNumber, folder: null);

    /// <summary>
    /// Matches as <see cref="Match(ExtractedIdentifiers, string?)"/> with what the source's folder names say
    /// (<paramref name="folder"/>, null when nothing). A folder case number, NIR or beneficiary id is a strong
    /// identifier like the cover sheet: it designates the case unless the page names somebody else. A folder name
    /// with its birth date designates like name + birth date on the page. A folder name alone never designates
    /// anyone (homonyms) and must be the chosen person's name. Anything in the folder that the registry does not know,
    /// or that disagrees with the page, sends the document to review with a <c>folder_hint_*</c> reason.
    /// </summary>
    public BeneficiaryMatch Match(ExtractedIdentifiers ids, string? coverSheetCaseNumber, BeneficiaryHint? folder)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (folder is { IsEmpty: true }) folder = null;
        var candidates = new Candidates();
        var strong = new List<StrongId>();
        foreach (var nir in ids.Nirs.Select(n => n.Nir).Distinct())
            strong.Add(new StrongId(MatchEvidence.Nir, registry.ByNir(nir), nir));
        foreach (var caseNumber in ids.CaseNumbers.Select(c => c.Value).Distinct(StringComparer.Ordinal))
            strong.Add(new StrongId(MatchEvidence.CaseNumber, registry.ByCaseNumber(caseNumber)));
        foreach (var caf in ids.CafNumbers.Select(c => c.Value).Distinct(StringComparer.Ordinal))
            strong.Add(new StrongId(MatchEvidence.CafNumber, registry.ByCafNumber(caf)));
        StrongId? cover = string.IsNullOrWhiteSpace(coverSheetCaseNumber)
            ? null
            : new StrongId(MatchEvidence.CoverSheet, registry.ByCaseNumber(coverSheetCaseNumber));
        if (cover is not null) strong.Add(cover);
        var folderStrong = FolderStrongIdentifiers(folder);
        strong.AddRange(folderStrong);
        foreach (var s in strong)
            foreach (var row in s.Rows) candidates.Add(row, s.Kind);

        var dated = DateNames(ids);
        var byNameAndDate = MatchNameAndBirthDate(ids, dated);
        var byNameAndAddress = MatchNameAndAddress(ids);
        foreach (var row in byNameAndDate) candidates.Add(row, MatchEvidence.NameAndBirthDate);
        foreach (var row in byNameAndAddress) candidates.Add(row, MatchEvidence.NameAndAddress);
        var namedRows = ids.Names.Where(n => n.Name.FirstName is not null)
            .SelectMany(n => registry.ByName(n.Name, n.OrderKnown).Take(MaxCandidatesPerName)).ToList();
        foreach (var row in namedRows) candidates.Add(row, MatchEvidence.Name);
        var byFolderNameAndDate = MatchFolderNameAndBirthDate(folder);
        foreach (var row in byFolderNameAndDate) candidates.Add(row, MatchEvidence.FolderNameAndBirthDate);
        if (folder?.Name is { } folderName)
        {
            // A folder name alone is only a candidate (homonyms): it makes "name only" rather than "no identifier".
            var folderNamed = registry.ByName(folderName).Take(MaxCandidatesPerName).ToList();
            foreach (var row in folderNamed) candidates.Add(row, MatchEvidence.FolderName);
            namedRows.AddRange(folderNamed);
        }

        // The folder names an identifier the registry does not know: its documents may be anybody's.
        if (folderStrong.Any(f => f.Rows.Count == 0))
            return Result(MatchOutcome.NotFound, null, [MatchReasons.FolderHintUnknown], [MatchReasons.UnknownIdentifier], [], candidates);
        if (folder is not null && folder.BirthDate is not null && folder.Name is { FirstName: not null } && byFolderNameAndDate.Count == 0 && folderStrong.Count == 0)
            return Result(MatchOutcome.NotFound, null, [MatchReasons.FolderHintUnknown], [MatchReasons.UnknownIdentifier], [], candidates);

        var known = strong.Where(s => s.Rows.Count > 0).ToList();
        var unknown = strong.Where(s => s.Rows.Count == 0).ToList();

        if (known.Count == 0)
        {
            if (cover is { Rows.Count: 0 })
                return Result(MatchOutcome.NotFound, null, [MatchReasons.CoverCaseUnknown], [MatchReasons.UnknownIdentifier], [], candidates);
            if (unknown.Count == 0)
                return MatchWithoutStrongIdentifier(ids, dated, byNameAndDate, byNameAndAddress, byFolderNameAndDate, namedRows, folder, candidates);
            // Identifiers the registry does not know belong to someone missing from it: never filed. The one
            // exception is a NIR or CAF number the registry simply lacks for the person that name + birth date or
            // name + address designate (the export leaves them empty), when it fits that person.
            var designated = byNameAndDate.Union(byNameAndAddress).Union(byFolderNameAndDate).ToList();
            if (designated.Count == 1 && !UnknownStrongAgainst(designated[0], unknown).Any() && !Contradictions(designated[0], ids, dated).Any()
                && !FolderContradictions(designated[0], folder).Any())
            {
                var chosenByName = designated[0];
                var evidenceByName = new List<string>();
                if (byNameAndDate.Contains(chosenByName)) evidenceByName.Add(MatchEvidence.NameAndBirthDate);
                if (byNameAndAddress.Contains(chosenByName)) evidenceByName.Add(MatchEvidence.NameAndAddress);
                if (byFolderNameAndDate.Contains(chosenByName)) evidenceByName.Add(MatchEvidence.FolderNameAndBirthDate);
                return Result(MatchOutcome.Matched, chosenByName, [], [], evidenceByName, candidates);
            }
            return Result(MatchOutcome.NotFound, null, [MatchReasons.BeneficiaryNotFound], [MatchReasons.UnknownIdentifier], [], candidates);
        }

        // Every strong identifier must designate the same row: intersect what each one designates.
        IEnumerable<Beneficiary> common = known[0].Rows;
        foreach (var s in known.Skip(1)) common = common.Intersect(s.Rows, ReferenceEqualityComparer.Instance).Cast<Beneficiary>();
        var rows = common.ToList();
        if (rows.Count == 0)
        {
            var details = new List<string> { MatchReasons.StrongIdentifiersDisagree };
            if (cover is { Rows.Count: > 0 }) details.Add(MatchReasons.OtherBeneficiaryNamed);
            return Result(MatchOutcome.Conflict, null, ConflictReasons(folderStrong.Count > 0), details, [], candidates);
        }

        var evidence = known.Select(s => s.Kind).Distinct().ToList();
        if (rows.Count > 1)
        {
            // A CAF number is shared by a household, a NIR by the cases of one person: the page may tell them apart.
            var narrowed = rows.Where(r => byNameAndDate.Contains(r) || byNameAndAddress.Contains(r) || byFolderNameAndDate.Contains(r)).ToList();
            if (narrowed.Count != 1)
                narrowed = rows.Where(r => ids.Names.Any(n => n.Name.FirstName is not null && NameComparer.SameName(n.Name, r.Name, n.OrderKnown))).ToList();
            if (narrowed.Count != 1) return Ambiguity(rows, candidates);
            rows = narrowed;
        }

        var chosen = rows[0];
        if (cover is { Rows.Count: 0 })
            return Result(MatchOutcome.Conflict, null, [MatchReasons.IdentifiersConflict], [MatchReasons.CoverCaseUnknown, MatchReasons.UnknownIdentifier], [], candidates);
        var folderIssues = FolderContradictions(chosen, folder).ToList();
        var contradictions = UnknownStrongAgainst(chosen, unknown.Where(u => u != cover))
            .Concat(Contradictions(chosen, ids, dated)).Concat(folderIssues).Distinct().ToList();
        if (contradictions.Count > 0)
            return Result(MatchOutcome.Conflict, null, ConflictReasons(folderIssues.Count > 0 || folderStrong.Count > 0), contradictions, [], candidates);
        if (byFolderNameAndDate.Contains(chosen)) evidence.Add(MatchEvidence.FolderNameAndBirthDate);
        return Result(MatchOutcome.Matched, chosen, [], [], evidence.Concat(Confirmations(chosen, ids)).Concat(FolderConfirmations(chosen, folder)).ToList(), candidates);
    }

    /// <summary>The folder's strong identifiers (case number, NIR, beneficiary id), each with the rows it designates.</summary>
    private List<StrongId> FolderStrongIdentifiers(BeneficiaryHint? folder)
    {
        var result = new List<StrongId>();
        if (folder is null) return result;
        if (folder.CaseNumber is { } caseNumber) result.Add(new StrongId(MatchEvidence.FolderCaseNumber, registry.ByCaseNumber(caseNumber)));
        if (folder.Nir is { } nir) result.Add(new StrongId(MatchEvidence.FolderNir, registry.ByNir(nir), nir));
        if (folder.BeneficiaryId is { } id)
            result.Add(new StrongId(MatchEvidence.FolderBeneficiaryId,
                registry.All.Where(b => string.Equals(b.BeneficiaryId, id, StringComparison.Ordinal)).ToList()));
        return result;
    }

    /// <summary>Rows whose full name and birth date are both in the folder name.</summary>
    private HashSet<Beneficiary> MatchFolderNameAndBirthDate(BeneficiaryHint? folder)
    {
        var rows = new HashSet<Beneficiary>(ReferenceEqualityComparer.Instance);
        if (folder is not { Name: { FirstName: not null } name, BirthDate: { } birth }) return rows;
        foreach (var row in registry.ByBirthDate(birth))
            if (NameComparer.SameName(name, row.Name)) rows.Add(row);
        return rows;
    }

    /// <summary>What in the folder name speaks against <paramref name="chosen"/>: another name, another birth date.</summary>
    private static IEnumerable<string> FolderContradictions(Beneficiary chosen, BeneficiaryHint? folder)
    {
        if (folder is null) yield break;
        if (folder.Name is { } name && !NameComparer.SameName(name, chosen.Name)) yield return MatchReasons.FolderNameMismatch;
        if (folder.BirthDate is { } birth && chosen.BirthDate is { } registered && birth != registered) yield return MatchReasons.FolderBirthDateMismatch;
    }

    private static IEnumerable<string> FolderConfirmations(Beneficiary chosen, BeneficiaryHint? folder)
    {
        if (folder?.Name is { } name && NameComparer.SameName(name, chosen.Name)) yield return MatchEvidence.FolderName;
    }

    private static List<string> ConflictReasons(bool folderInvolved) =>
        folderInvolved ? [MatchReasons.IdentifiersConflict, MatchReasons.FolderHintConflict] : [MatchReasons.IdentifiersConflict];

    private BeneficiaryMatch MatchWithoutStrongIdentifier(
        ExtractedIdentifiers ids, List<DatedNames> dated, HashSet<Beneficiary> byNameAndDate, HashSet<Beneficiary> byNameAndAddress,
        HashSet<Beneficiary> byFolderNameAndDate, List<Beneficiary> namedRows, BeneficiaryHint? folder, Candidates candidates)
    {
        var rows = byNameAndDate.Union(byNameAndAddress).Union(byFolderNameAndDate).ToList();
        // The folder designates one person and the page another: not a choice between homonyms, a contradiction.
        if (byFolderNameAndDate.Count > 0 && rows.Any(r => !byFolderNameAndDate.Contains(r)))
            return Result(MatchOutcome.Conflict, null, ConflictReasons(true), [MatchReasons.OtherBeneficiaryNamed], [], candidates);
        if (rows.Count > 1) return Ambiguity(rows, candidates);
        if (rows.Count == 1)
        {
            var chosen = rows[0];
            var folderIssues = FolderContradictions(chosen, folder).ToList();
            var contradictions = Contradictions(chosen, ids, dated).Concat(folderIssues).Distinct().ToList();
            if (contradictions.Count > 0)
                return Result(MatchOutcome.Conflict, null, ConflictReasons(folderIssues.Count > 0 || byFolderNameAndDate.Contains(chosen)), contradictions, [], candidates);
            var evidence = new List<string>();
            if (byNameAndDate.Contains(chosen)) evidence.Add(MatchEvidence.NameAndBirthDate);
            if (byNameAndAddress.Contains(chosen)) evidence.Add(MatchEvidence.NameAndAddress);
            if (byFolderNameAndDate.Contains(chosen)) evidence.Add(MatchEvidence.FolderNameAndBirthDate);
            return Result(MatchOutcome.Matched, chosen, [], [], evidence.Concat(FolderConfirmations(chosen, folder)).ToList(), candidates);
        }
        if (namedRows.Count > 0)
        {
            // A registered name is on the page. If a birth date is written with it and is not the registered one,
            // the page is about someone else of that name who is not in the registry.
            var namedWithOtherDate = dated.Any(d => d.Names.Any(n => namedRows.Any(r => NameComparer.SameName(n.Name, r.Name, n.OrderKnown))));
            return namedWithOtherDate
                ? Result(MatchOutcome.NotFound, null, [MatchReasons.BeneficiaryNotFound], [MatchReasons.BirthDateDiffers], [], candidates)
                : Result(MatchOutcome.Ambiguous, null, [MatchReasons.NameOnly], [], [], candidates);
        }
        var anything = ids.Names.Count > 0 || ids.BirthDates.Count > 0;
        return Result(MatchOutcome.NotFound, null, [anything ? MatchReasons.BeneficiaryNotFound : MatchReasons.NoIdentifier], [], [], candidates);
    }

    private BeneficiaryMatch Ambiguity(List<Beneficiary> rows, Candidates candidates)
    {
        var detail = rows.All(r => SamePerson(r, rows[0])) ? MatchReasons.MultipleCases
            : rows.All(r => registry.ByExactName(r.LastName, r.FirstName).Contains(rows[0])) ? MatchReasons.Homonyms
            : MatchReasons.SeveralBeneficiaries;
        return Result(MatchOutcome.Ambiguous, null, [MatchReasons.BeneficiaryAmbiguous], [detail], [], candidates);
    }

    /// <summary>
    /// Strong identifiers on the page that the registry does not know, judged against the chosen row: a NIR or CAF
    /// number is another person's when the row has its own on file (or, for a NIR, when it does not fit the birth
    /// date); an unknown case number always is.
    /// </summary>
    private static IEnumerable<string> UnknownStrongAgainst(Beneficiary chosen, IEnumerable<StrongId> unknown)
    {
        foreach (var u in unknown)
        {
            switch (u.Kind)
            {
                case MatchEvidence.Nir when chosen.Nir is not null:
                    yield return MatchReasons.NirMismatch;
                    break;
                case MatchEvidence.Nir when u.Nir is { } nir && !NirFitsBirthDate(nir, chosen.BirthDate):
                    yield return MatchReasons.NirMismatch;
                    break;
                case MatchEvidence.Nir:
                    break; // No NIR on file and the page's NIR fits the birth date: nothing says it is someone else's.
                case MatchEvidence.CafNumber when chosen.CafNumber is not null:
                    yield return MatchReasons.CafMismatch;
                    break;
                case MatchEvidence.CafNumber:
                    break;
                default:
                    yield return MatchReasons.UnknownIdentifier;
                    break;
            }
        }
    }

    private static bool NirFitsBirthDate(Nir nir, DateOnly? birthDate)
    {
        if (birthDate is not { } d) return false;
        var year = int.Parse(nir.Value.AsSpan(1, 2));
        var month = int.Parse(nir.Value.AsSpan(3, 2));
        return year == d.Year % 100 && (month == d.Month || month is < 1 or > 12);
    }

    /// <summary>What on the page speaks against <paramref name="chosen"/>.</summary>
    private IEnumerable<string> Contradictions(Beneficiary chosen, ExtractedIdentifiers ids, List<DatedNames> dated)
    {
        bool IsChosen(FoundName n) => NameComparer.SameName(n.Name, chosen.Name, n.OrderKnown);

        // A form field about the person concerned that names somebody else.
        var subjectFields = ids.Names.Where(n => n.Source == NameSource.SubjectField).ToList();
        if (subjectFields.Count > 0 && !subjectFields.Any(IsChosen)) yield return MatchReasons.NameMismatch;

        // Only other people named, and one of them is in the registry: the page is probably about them.
        if (ids.Names.Count > 0 && !ids.Names.Any(IsChosen) &&
            ids.Names.Any(n => n.Name.FirstName is not null && registry.ByName(n.Name, n.OrderKnown).Any(r => !SamePerson(r, chosen))))
            yield return MatchReasons.NameMismatch;

        foreach (var d in dated)
        {
            if (d.Names.Any(IsChosen))
            {
                if (chosen.BirthDate is { } birth && d.Date.Date != birth) yield return MatchReasons.BirthDateMismatch;
                continue;
            }
            if (d.Names.Count > 0)
            {
                // Another person with their birth date: in the registry, that is a second beneficiary on the page.
                if (d.Names.Any(n => n.Name.FirstName is not null && registry.ByBirthDate(d.Date.Date)
                        .Any(r => !SamePerson(r, chosen) && NameComparer.SameName(n.Name, r.Name, n.OrderKnown))))
                    yield return MatchReasons.OtherBeneficiaryNamed;
                continue;
            }
            // A birth date written without a name: it is the chosen person's unless theirs is also on the page.
            if (chosen.BirthDate is { } b && d.Date.Date != b && !ids.BirthDates.Any(x => x.Date == b))
                yield return MatchReasons.BirthDateMismatch;
        }

        // Another registry person designated by name + street address.
        foreach (var row in MatchNameAndAddress(ids))
            if (!SamePerson(row, chosen)) yield return MatchReasons.OtherBeneficiaryNamed;
    }

    private static IEnumerable<string> Confirmations(Beneficiary chosen, ExtractedIdentifiers ids)
    {
        if (ids.Names.Any(n => NameComparer.SameName(n.Name, chosen.Name, n.OrderKnown))) yield return MatchEvidence.Name;
        if (chosen.BirthDate is { } b && ids.BirthDates.Any(d => d.Date == b)) yield return MatchEvidence.BirthDate;
        if (StreetAddress.Parse(chosen.Address) is { } street &&
            ids.Addresses.Any(a => a.Postcode == chosen.Postcode && StreetAddress.Parse(a.Street) is { } s && StreetAddress.Same(s, street)))
            yield return MatchEvidence.Address;
    }

    /// <summary>
    /// Each birth date with the name written last before it (within reach, after the previous birth date). When
    /// that name comes from a form field about the person concerned, every such field since the previous birth date
    /// goes with it: "Nom d'usage", "Nom de naissance" and "Prénom" describe one person.
    /// </summary>
    private static List<DatedNames> DateNames(ExtractedIdentifiers ids)
    {
        var result = new List<DatedNames>();
        var previousEnd = 0;
        foreach (var date in ids.BirthDates.OrderBy(d => d.Span.Offset))
        {
            var from = Math.Max(previousEnd, date.Span.Offset - BirthDateReach);
            var before = ids.Names.Where(n => n.Span.Offset >= from && n.Span.End <= date.Span.Offset).OrderBy(n => n.Span.End).ToList();
            var names = before.Count == 0 ? []
                : before[^1].Source == NameSource.SubjectField ? before.Where(n => n.Source == NameSource.SubjectField).ToList()
                : [before[^1]];
            result.Add(new DatedNames(date, names));
            previousEnd = date.Span.End;
        }
        return result;
    }

    /// <summary>Rows whose full name is written with their birth date (or next to an unattached birth date).</summary>
    private HashSet<Beneficiary> MatchNameAndBirthDate(ExtractedIdentifiers ids, List<DatedNames> dated)
    {
        var rows = new HashSet<Beneficiary>(ReferenceEqualityComparer.Instance);
        foreach (var d in dated)
        {
            // A date with no name before it pairs with any full name on the page (a form's name may come later).
            var names = d.Names.Count > 0 ? d.Names : ids.Names;
            foreach (var name in names.Where(n => n.Name.FirstName is not null))
                foreach (var row in registry.ByBirthDate(d.Date.Date))
                    if (NameComparer.SameName(name.Name, row.Name, name.OrderKnown)) rows.Add(row);
        }
        return rows;
    }

    /// <summary>Rows whose full name is on the page with their postcode and street (number included).</summary>
    private HashSet<Beneficiary> MatchNameAndAddress(ExtractedIdentifiers ids)
    {
        var rows = new HashSet<Beneficiary>(ReferenceEqualityComparer.Instance);
        foreach (var address in ids.Addresses)
        {
            if (address.Postcode is null || StreetAddress.Parse(address.Street) is not { } street) continue;
            foreach (var row in registry.ByPostcode(address.Postcode))
            {
                if (StreetAddress.Parse(row.Address) is not { } registered || !StreetAddress.Same(street, registered)) continue;
                if (ids.Names.Any(n => n.Name.FirstName is not null && NameComparer.SameName(n.Name, row.Name, n.OrderKnown))) rows.Add(row);
            }
        }
        return rows;
    }

    private static bool SamePerson(Beneficiary a, Beneficiary b) => string.Equals(a.BeneficiaryId, b.BeneficiaryId, StringComparison.Ordinal);

    private static BeneficiaryMatch Result(
        MatchOutcome outcome, Beneficiary? chosen, List<string> reasons, List<string> details, List<string> evidence, Candidates candidates) =>
        new(outcome, chosen, reasons, details, evidence, candidates.ToList(chosen));

    /// <summary>Rows considered, in the order they came up, with everything that pointed to each.</summary>
    private sealed class Candidates
    {
        private readonly List<Beneficiary> _order = [];
        private readonly Dictionary<Beneficiary, List<string>> _why = new(ReferenceEqualityComparer.Instance);

        public void Add(Beneficiary row, string why)
        {
            if (!_why.TryGetValue(row, out var list))
            {
                _why[row] = list = [];
                _order.Add(row);
            }
            if (!list.Contains(why)) list.Add(why);
        }

        public IReadOnlyList<MatchCandidate> ToList(Beneficiary? chosen) =>
            _order.OrderByDescending(r => ReferenceEquals(r, chosen)).ThenByDescending(r => _why[r].Count)
                .Select(r => new MatchCandidate(r, _why[r])).ToList();
    }
}
