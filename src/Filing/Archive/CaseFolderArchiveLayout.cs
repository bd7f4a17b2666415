namespace CaptureChain.Filing.Archive;

/// <summary>Top-level folders of the archive that belong to the archive itself, never to the filing plan.</summary>
public static class CaseFolderArchiveLayout
{
    /// <summary>Quarantined inputs: <c>_quarantine/&lt;date&gt;/&lt;name&gt;</c>.</summary>
    public const string QuarantineFolder = "_quarantine";

    /// <summary>Documents waiting for a person: <c>_review/&lt;id&gt;.pdf</c>.</summary>
    public const string ReviewFolder = "_review";

    /// <summary>True for a top folder name the plan may not produce.</summary>
    public static bool IsReservedTopFolder(string name) =>
        name.Equals(QuarantineFolder, StringComparison.OrdinalIgnoreCase) || name.Equals(ReviewFolder, StringComparison.OrdinalIgnoreCase);
}
