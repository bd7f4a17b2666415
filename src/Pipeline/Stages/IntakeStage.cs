using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using CaptureChain.Filing.Store;
using CaptureChain.Pipeline.Records;
using CaptureChain.Pipeline.Runner;

namespace CaptureChain.Pipeline.Stages;

/// <summary>
/// Hashes an inbox file and lets it in unless the journal says it was already done: a restarted batch picks up
/// exactly the files it had not finished.
/// </summary>
public sealed class IntakeStage(ICaptureStore store) : IStage<InboxFile, SourceFile>
{
    public string Name => "intake";

    public async IAsyncEnumerable<SourceFile> ProcessAsync(InboxFile item, [EnumeratorCancellation] CancellationToken ct)
    {
        var info = new FileInfo(item.FullPath);
        string sha;
        await using (var stream = new FileStream(item.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
            sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false));
        var source = new SourceFile(item.Batch, item.Inbox, item.RelativeName, item.FullPath, sha, info.Length, item.Defaults);
        if (await store.IsSourceDoneAsync(source.RelativeName, sha, ct).ConfigureAwait(false))
        {
            await store.RecordStepAsync(new JournalStep(item.Batch, source.RelativeName, Name, "already_done", null), ct).ConfigureAwait(false);
            yield break;
        }
        await store.MarkSourceAsync(new SourceRecord(item.Batch, item.Inbox, source.RelativeName, sha, info.Length, null, SourceStatus.Pending, null), ct)
            .ConfigureAwait(false);
        yield return source;
    }

    // A file that cannot even be read (vanished, no permission) is left where it is and goes on as unreadable: the
    // filing stage records it rejected (file_unreadable) with a reason in quarantine, so the manifest names it too.
    public IEnumerable<SourceFile> OnFault(InboxFile item, Exception fault) =>
        [new SourceFile(item.Batch, item.Inbox, item.RelativeName, item.FullPath, DocumentKey.UnknownContent, 0, item.Defaults) { ReadError = fault.Message }];
}
