namespace CaptureChain.Pipeline.Stages;

/// <summary>A file found in an inbox (or written by a scanner), before it is hashed and claimed.</summary>
public sealed record InboxFile(Filing.Store.BatchId Batch, string Inbox, string FullPath, Records.CaptureDefaults Defaults)
{
    /// <summary>Name relative to the inbox with forward slashes, as the manifest's <c>source</c> (a claimed file keeps its inbox name).</summary>
    public string RelativeName => Watching.InboxClaim.NameInInbox(Inbox, FullPath);
}
