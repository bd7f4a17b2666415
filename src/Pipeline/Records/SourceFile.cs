namespace CaptureChain.Pipeline.Records;

/// <summary>What an inbox profile or a scan station imposes on every document of its files.</summary>
/// <param name="CaseNumber">A fixed case (e.g. a counter scanning one dossier): acts like a cover sheet.</param>
/// <param name="Operator">Who fed the batch, for the batch report.</param>
/// <param name="Station">Scan station or watched folder name.</param>
public sealed record CaptureDefaults(string? CaseNumber = null, string? Operator = null, string? Station = null)
{
    /// <summary>
    /// Who the file's location says its documents concern (a legacy archive's folder names, read by
    /// <see cref="Legacy.FolderNamePattern"/>): evidence of its own kind for the matcher, never enough alone when it is a name.
    /// </summary>
    public Classifier.Matching.BeneficiaryHint? Hint { get; init; }

    /// <summary>No defaults.</summary>
    public static CaptureDefaults None { get; } = new();
}

/// <summary>One input file taken for processing: a scan, or a file from an inbox.</summary>
/// <param name="Batch">The batch it belongs to.</param>
/// <param name="Inbox">The inbox folder (absolute), the key of resumable work.</param>
/// <param name="RelativeName">Name relative to the inbox, forward slashes (the manifest's <c>source</c>).</param>
/// <param name="FullPath">Where the bytes are.</param>
/// <param name="Sha256">Content hash (hex, lower case).</param>
public sealed record SourceFile(
    Filing.Store.BatchId Batch, string Inbox, string RelativeName, string FullPath, string Sha256, long Size, CaptureDefaults Defaults)
{
    /// <summary>Why the file could not even be read (vanished, no permission), or null: it then goes straight to quarantine.</summary>
    public string? ReadError { get; init; }

    /// <summary>Short form for logs and the journal: never contains personal data (names are file names, not people).</summary>
    public override string ToString() => RelativeName;
}
