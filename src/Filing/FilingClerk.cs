using CaptureChain.Filing.Archive;
using CaptureChain.Filing.Plan;
using CaptureChain.Filing.Store;

namespace CaptureChain.Filing;

/// <summary>Outcome of reconciling one open filing intent after a restart.</summary>
public enum IntentOutcome
{
    /// <summary>The file was at its target with the recorded SHA-256: the intent is now completed.</summary>
    Completed,

    /// <summary>The file never took its target (or something else is there): the document must be filed again.</summary>
    Redo,
}

/// <summary>One reconciled intent.</summary>
public sealed record IntentReconciliation(FilingIntent Intent, IntentOutcome Outcome);

/// <summary>
/// Files each document exactly once across crashes by pairing the archive with the store's intent journal: journal the
/// target and SHA-256, rename, mark completed. After a crash between the rename and the completion, the target holding
/// the recorded SHA-256 proves the document filed; a missing or different file means it must be filed again.
/// </summary>
/// <remarks>
/// Calls for one key are serialised within the process. Two processes must not work on the same inbox at once (the
/// host takes a lock on the inbox); a crashed process's leftovers are what the intents reconcile.
/// </remarks>
public sealed class FilingClerk(ICaptureStore store, CaseFolderArchive archive)
{
    private static readonly SemaphoreSlim[] KeyLocks = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>
    /// The document's filed file if it is already in the archive (completing a crashed intent when the file is there),
    /// or null when it still has to be filed. Call before assembling the PDF to skip the work on a restart.
    /// </summary>
    public async Task<FiledFile?> FindFiledAsync(DocumentKey key, CancellationToken ct)
    {
        var intent = await store.FindFilingIntentAsync(key, ct);
        if (intent is null) return null;
        if (intent.State == FilingIntentState.Completed) return new FiledFile(intent.TargetPath, intent.PdfSha256);
        if (await archive.CheckAsync(intent.TargetPath, intent.PdfSha256, ct) != FiledFileState.Complete) return null;
        await store.CompleteFilingAsync(key, intent.PdfSha256, CancellationToken.None);
        return new FiledFile(intent.TargetPath, intent.PdfSha256);
    }

    /// <summary>
    /// Files <paramref name="pdfPath"/> for <paramref name="key"/> under <paramref name="target"/>, unless the document
    /// is already filed (then returns where). The intent is journaled before the rename and completed after it.
    /// </summary>
    public async Task<FiledFile> FileOnceAsync(DocumentKey key, FilingTarget target, string pdfPath, CancellationToken ct)
    {
        var gate = KeyLocks[(key.GetHashCode() & int.MaxValue) % KeyLocks.Length];
        await gate.WaitAsync(ct);
        try
        {
            var existing = await FindFiledAsync(key, ct);
            if (existing is not null) return existing;
            var filed = await archive.FileAsync(pdfPath, target,
                (relativePath, sha256, token) => store.BeginFilingAsync(key, relativePath, sha256, token), ct);
            // The file has its name: record it whatever the token says, or a restart has to reconcile it.
            await store.CompleteFilingAsync(key, filed.Sha256, CancellationToken.None);
            return filed;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Reconciles every open intent (at startup): completes those whose file is in place, reports the rest.</summary>
    public async Task<IReadOnlyList<IntentReconciliation>> ReconcileAsync(CancellationToken ct)
    {
        var results = new List<IntentReconciliation>();
        foreach (var intent in await store.ListOpenFilingIntentsAsync(ct))
        {
            var found = await FindFiledAsync(intent.Key, ct);
            results.Add(new IntentReconciliation(intent, found is null ? IntentOutcome.Redo : IntentOutcome.Completed));
        }
        return results;
    }
}
