using System.Globalization;

namespace CaptureChain.Filing.Plan;

/// <summary>What the filing plan places: the case-folder facts of one document.</summary>
public sealed record FilingContext(
    string BeneficiaryId,
    string CaseNumber,
    string Prestation,
    string LastName,
    string FirstName,
    string DocumentType,
    DateOnly Date);

/// <summary>
/// Where one document goes: its folder relative to the archive and its file name around a sequence number, which the
/// archive allocates when it files (<c>{prefix}{seq:000}{suffix}</c>).
/// </summary>
public sealed record FilingTarget(
    string RelativeFolder,
    string FileNamePrefix,
    int SeqWidth,
    string FileNameSuffix,
    string DocumentType,
    string? Retention)
{
    /// <summary>The file name for sequence number <paramref name="seq"/> (1-based).</summary>
    public string FileName(int seq)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seq, 1);
        return FileNamePrefix + seq.ToString(new string('0', SeqWidth), CultureInfo.InvariantCulture) + FileNameSuffix;
    }

    /// <summary>The forward-slash path relative to the archive for sequence number <paramref name="seq"/>.</summary>
    public string RelativePath(int seq) => RelativeFolder + "/" + FileName(seq);

    /// <summary>
    /// Reads the sequence number out of an existing file name of this target's series. Prefix and suffix compare
    /// case-insensitively so that a case-insensitive share never hands out a name that is already taken.
    /// </summary>
    public bool TryParseSeq(string fileName, out int seq)
    {
        seq = 0;
        if (fileName.Length < FileNamePrefix.Length + FileNameSuffix.Length + 1) return false;
        if (!fileName.StartsWith(FileNamePrefix, StringComparison.OrdinalIgnoreCase)) return false;
        if (!fileName.EndsWith(FileNameSuffix, StringComparison.OrdinalIgnoreCase)) return false;
        var digits = fileName.AsSpan(FileNamePrefix.Length, fileName.Length - FileNamePrefix.Length - FileNameSuffix.Length);
        if (digits.Length < SeqWidth || digits.Length > 9) return false;
        foreach (var c in digits) if (!char.IsAsciiDigit(c)) return false;
        seq = int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        return seq > 0;
    }
}

/// <summary>The plan's answer for one document: a target, or a reason code (lower_snake_case) and a detail.</summary>
public sealed record FilingRenderResult(FilingTarget? Target, string? ReasonCode, string? Detail)
{
    /// <summary>True when <see cref="Target"/> is set.</summary>
    public bool IsPlaced => Target is not null;

    /// <summary>A placed document.</summary>
    public static FilingRenderResult Placed(FilingTarget target) => new(target, null, null);

    /// <summary>A document the plan cannot place.</summary>
    public static FilingRenderResult NotPlaced(string reasonCode, string detail) => new(null, reasonCode, detail);
}

/// <summary>Reason codes of <see cref="FilingRenderResult"/>.</summary>
public static class FilingReasons
{
    /// <summary>A value the template needs is empty (e.g. no prestation in the registry); detail names the field.</summary>
    public const string FieldMissing = "filing_field_missing";

    /// <summary>The plan does not list the document type and does not allow unlisted types.</summary>
    public const string TypeNotInPlan = "filing_type_not_in_plan";

    /// <summary>The rendered path would land in a folder reserved by the archive.</summary>
    public const string PathReserved = "filing_path_reserved";
}

/// <summary>A filing plan file that cannot be used; the message lists every problem found.</summary>
public sealed class FilingPlanException(string message) : Exception(message);
