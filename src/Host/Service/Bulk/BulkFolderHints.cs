using CaptureChain.Pipeline.Legacy;
using CaptureChain.Pipeline.Records;

namespace CaptureChain.Host.Service.Bulk;

/// <summary>Per-file capture defaults of a bulk job: the job's, with the hint its folder-name pattern reads from the file's path.</summary>
public static class BulkFolderHints
{
    /// <summary>The hint function of <paramref name="job"/>, or null when it has no folder pattern.</summary>
    public static Func<string, CaptureDefaults>? For(BulkJobDefinition job)
    {
        if (job.FolderPattern is null) return null;
        var pattern = FolderNamePattern.Parse(job.FolderPattern);
        return path => pattern.Apply(job.Defaults, path);
    }
}
