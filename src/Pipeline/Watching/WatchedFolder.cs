namespace CaptureChain.Pipeline.Watching;

/// <summary>How a watched folder is doing, for the health page and the logs.</summary>
/// <param name="Name">The inbox profile's name.</param>
/// <param name="Available">False while the folder cannot be listed (missing, share unmounted, no permission).</param>
/// <param name="EventsActive">True while change events arrive; false means polling only.</param>
/// <param name="WaitingFiles">Files seen and not complete yet.</param>
/// <param name="ReadyFiles">Complete files not claimed yet.</param>
/// <param name="LastScan">When the folder was last listed.</param>
/// <param name="Problem">What is wrong, when something is (no personal data: folder state only).</param>
public sealed record WatchedFolderStatus(
    string Name, bool Available, bool EventsActive, int WaitingFiles, int ReadyFiles, DateTimeOffset? LastScan, string? Problem);

/// <summary>One listing of a watched folder: complete files (in order), those still being written, and whether to claim now.</summary>
/// <param name="Ready">Complete files, ready to claim, in ordinal order of their names.</param>
/// <param name="Waiting">Files still being written (or without their completion marker).</param>
/// <param name="ClaimNow">True when the ready files make a drop: nothing else is being written, or the drop window is over.</param>
/// <param name="OrphanedClaim">True when a claim left by a dead service waits to be adopted.</param>
/// <param name="NextCheck">When a waiting file can next become complete (or the next poll).</param>
public sealed record DropScan(IReadOnlyList<string> Ready, int Waiting, bool ClaimNow, bool OrphanedClaim, DateTimeOffset NextCheck)
{
    /// <summary>Whether there is something to claim now.</summary>
    public bool HasWork => OrphanedClaim || ClaimNow;
}

/// <summary>
/// A watched folder: finds files dropped into an inbox, decides when each is completely written, and claims drops of
/// them (<see cref="InboxClaim"/>) for batches. Change events (FileSystemWatcher) wake it early; a listing at every
/// poll interval is the safety net, so a watcher that loses events (network shares, overflow) costs latency, never files.
/// </summary>
/// <remarks>
/// A file is complete when its size and last-write time stayed the same over the quiet period, as seen by this
/// folder's own successive listings (a copied file can carry an old last-write time), and it can be opened for reading;
/// or, with a completion marker, when <c>&lt;file&gt;&lt;marker&gt;</c> exists and was written after the file. Files
/// that become complete together make one drop: complete files wait (up to the drop window) for files still being
/// written beside them. One instance is driven by one loop; <see cref="Status"/> may be read from anywhere.
/// </remarks>
public sealed class WatchedFolder : IDisposable
{
    private static readonly TimeSpan EventSettle = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan RefusedRetry = TimeSpan.FromMinutes(1);

    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _changed = new(0, 1);
    private readonly Dictionary<string, Observation> _seen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _deferredClaims = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _refusedFiles = new(StringComparer.Ordinal);
    private FileSystemWatcher? _watcher;
    private volatile bool _watcherFailed;
    private volatile WatchedFolderStatus _status;

    /// <summary>Size and last-write time of a file, since when they have been so, and since when it has been complete.</summary>
    private sealed record Observation(long Size, DateTime LastWriteUtc, DateTimeOffset Since, DateTimeOffset? CompleteSince);

    public WatchedFolder(InboxProfile profile, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        Profile = profile;
        Inbox = System.IO.Path.GetFullPath(profile.Path);
        _time = time ?? TimeProvider.System;
        _status = new WatchedFolderStatus(profile.Name, Directory.Exists(Inbox), false, 0, 0, null, null);
    }

    /// <summary>The profile watched.</summary>
    public InboxProfile Profile { get; }

    /// <summary>The inbox folder (absolute).</summary>
    public string Inbox { get; }

    /// <summary>The latest state.</summary>
    public WatchedFolderStatus Status => _status;

    /// <summary>Waits until there is something to claim: a complete drop, or an orphaned claim to adopt.</summary>
    public async Task WaitForWorkAsync(CancellationToken ct)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            EnsureWatcher();
            var scan = Scan();
            if (scan.HasWork) return;
            var wait = scan.NextCheck - _time.GetUtcNow();
            await WaitForChangeAsync(wait < MinimumWait ? MinimumWait : wait > Profile.PollInterval ? Profile.PollInterval : wait, ct)
                .ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Claims what is there to do now: an orphaned claim first (it is older), else the complete files of a drop.
    /// Null when nothing is ready (or another service was quicker).
    /// </summary>
    public InboxClaim? TryClaim()
    {
        var orphan = InboxClaim.TryAdoptOrphan(Inbox, DeferredClaims());
        if (orphan is not null) return orphan;
        var scan = Scan();
        if (!scan.ClaimNow) return null;
        var claim = InboxClaim.Create(Inbox, _time);
        foreach (var path in scan.Ready.Take(Math.Max(1, Profile.MaxFilesPerBatch)))
        {
            // Not taken and still there: not a quicker peer but a refusal (permissions): no hot retry loop over it.
            if (!claim.TryTake(path, MarkerOf(path) is { } marker && File.Exists(marker) ? marker : null) && File.Exists(path))
                _refusedFiles[path] = _time.GetUtcNow() + RefusedRetry;
            _seen.Remove(path);
        }
        var taken = claim.Files.Count;
        _status = _status with { ReadyFiles = Math.Max(0, _status.ReadyFiles - taken) };
        if (taken > 0) return claim;
        claim.Settle([], Profile.AfterProcessing); // every file went to another service: remove the empty claim
        claim.Dispose();
        return null;
    }

    /// <summary>Leaves <paramref name="claim"/> alone for <paramref name="delay"/> (its batch failed): no hot retry loop.</summary>
    public void Defer(InboxClaim claim, TimeSpan delay) => _deferredClaims[claim.Id] = _time.GetUtcNow() + delay;

    /// <summary>Lists the folder once and updates what is known of each file.</summary>
    public DropScan Scan()
    {
        var now = _time.GetUtcNow();
        var ready = new List<(string Path, DateTimeOffset CompleteSince)>();
        var waiting = 0;
        var nextCheck = now + Profile.PollInterval;
        string? problem = null;
        bool orphaned;
        try
        {
            orphaned = HasOrphanedClaim();
            var inClaims = NamesInClaims();
            var files = CaptureRun.InboxFiles(Inbox).ToList();
            var present = new HashSet<string>(files, StringComparer.Ordinal);
            foreach (var due in _refusedFiles.Where(r => r.Value <= now || !present.Contains(r.Key)).Select(r => r.Key).ToList())
                _refusedFiles.Remove(due);
            foreach (var path in files)
            {
                var name = InboxClaim.NameInInbox(Inbox, path);
                // A marker is never input; a name still in a claim waits, so two drops of one name are never filed at once.
                if (Profile.IsCompletionMarker(name) || inClaims.Contains(name) || _refusedFiles.ContainsKey(path)) continue;
                FileInfo info;
                try { info = new FileInfo(path); if (!info.Exists) continue; }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
                var size = info.Length;
                var lastWrite = info.LastWriteTimeUtc;
                if (!_seen.TryGetValue(path, out var seen) || seen.Size != size || seen.LastWriteUtc != lastWrite)
                    seen = new Observation(size, lastWrite, now, null);
                var complete = Profile.CompletionMarker is null
                    ? now - seen.Since >= Profile.QuietPeriod
                    : MarkerOf(path) is { } marker && File.Exists(marker) && File.GetLastWriteTimeUtc(marker) >= lastWrite;
                if (complete && CanOpenForReading(path))
                {
                    seen = seen with { CompleteSince = seen.CompleteSince ?? now };
                    ready.Add((path, seen.CompleteSince.Value));
                }
                else
                {
                    seen = seen with { CompleteSince = null };
                    waiting++;
                    if (Profile.CompletionMarker is null && seen.Since + Profile.QuietPeriod < nextCheck)
                        nextCheck = seen.Since + Profile.QuietPeriod;
                }
                _seen[path] = seen;
            }
            foreach (var gone in _seen.Keys.Where(k => !present.Contains(k)).ToList()) _seen.Remove(gone);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The share is gone or refuses us: report it and keep polling; files stay where they are.
            problem = Directory.Exists(Inbox) ? $"cannot list the folder: {e.GetType().Name}" : "folder missing";
            _seen.Clear();
            _watcherFailed = _watcher is not null; // a watcher on a vanished folder hears nothing: build a new one when it is back
            orphaned = false;
        }

        var dropAge = ready.Count == 0 ? TimeSpan.Zero : now - ready.Min(r => r.CompleteSince);
        var claimNow = ready.Count > 0 && (waiting == 0 || dropAge >= Profile.DropWindow || ready.Count >= Profile.MaxFilesPerBatch);
        if (ready.Count > 0 && !claimNow)
        {
            var windowEnd = ready.Min(r => r.CompleteSince) + Profile.DropWindow;
            if (windowEnd < nextCheck) nextCheck = windowEnd;
        }
        _status = new WatchedFolderStatus(Profile.Name, problem is null, _watcher is not null && !_watcherFailed, waiting, ready.Count, now,
            problem
            ?? (_refusedFiles.Count > 0 ? $"{_refusedFiles.Count} file(s) cannot be moved out of the folder (permissions?); retried every minute" : null)
            ?? (_watcher is null && Profile.WatchEvents ? "change events unavailable: polling only" : null));
        return new DropScan(ready.OrderBy(r => r.Path, StringComparer.Ordinal).Select(r => r.Path).ToList(), waiting, claimNow, orphaned, nextCheck);
    }

    private string? MarkerOf(string path) => Profile.CompletionMarker is { Length: > 0 } marker ? path + marker : null;

    private IReadOnlySet<string> DeferredClaims()
    {
        var now = _time.GetUtcNow();
        foreach (var due in _deferredClaims.Where(d => d.Value <= now).Select(d => d.Key).ToList()) _deferredClaims.Remove(due);
        return _deferredClaims.Keys.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Whether a claim could be adopted now (checked without adopting it).</summary>
    private bool HasOrphanedClaim()
    {
        using var probe = InboxClaim.TryAdoptOrphan(Inbox, DeferredClaims());
        return probe is not null; // disposing the probe releases the lock again; the files stay
    }

    /// <summary>Inbox names of the files in every claim, live or orphaned.</summary>
    private HashSet<string> NamesInClaims()
    {
        var claims = System.IO.Path.Combine(Inbox, InboxClaim.ClaimsFolderName);
        if (!Directory.Exists(claims)) return [];
        return Directory.EnumerateFiles(claims, "*", SearchOption.AllDirectories)
            .Select(f => InboxClaim.NameInInbox(Inbox, f)).ToHashSet(StringComparer.Ordinal);
    }

    private static bool CanOpenForReading(string path)
    {
        // A writer holding the file exclusively (FileShare.None: a flock on Unix, a share lock on SMB) is still writing.
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private async Task WaitForChangeAsync(TimeSpan wait, CancellationToken ct)
    {
        if (!await _changed.WaitAsync(wait, ct).ConfigureAwait(false)) return;
        // A copy raises many events: let them settle and list the folder once.
        await Task.Delay(EventSettle, _time, ct).ConfigureAwait(false);
        _changed.Wait(0);
    }

    private void EnsureWatcher()
    {
        if (!Profile.WatchEvents) return;
        if (_watcher is not null && !_watcherFailed) return;
        _watcher?.Dispose();
        _watcher = null;
        _watcherFailed = false;
        if (!Directory.Exists(Inbox)) return;
        try
        {
            var watcher = new FileSystemWatcher(Inbox)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            watcher.Created += OnChange;
            watcher.Changed += OnChange;
            watcher.Renamed += OnChange;
            // Overflow or a lost share: fall back to polling now and build a new watcher at the next listing.
            watcher.Error += (_, _) => { _watcherFailed = true; Wake(); };
            watcher.EnableRaisingEvents = true;
            _watcher = watcher;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            _watcher = null; // inotify limits, unsupported file system: polling only
        }
    }

    private void OnChange(object sender, FileSystemEventArgs e)
    {
        // Our own claims and processed files live in dot folders: their moves are no news.
        var relative = System.IO.Path.GetRelativePath(Inbox, e.FullPath);
        if (relative.Split(System.IO.Path.DirectorySeparatorChar).Any(part => part.StartsWith('.'))) return;
        Wake();
    }

    private void Wake()
    {
        try { if (_changed.CurrentCount == 0) _changed.Release(); }
        catch (SemaphoreFullException) { } // already signalled
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _watcher = null;
        _changed.Dispose();
    }
}
