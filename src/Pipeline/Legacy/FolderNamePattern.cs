using System.Globalization;
using System.Text.RegularExpressions;
using CaptureChain.Classifier.Identifiers;
using CaptureChain.Classifier.Matching;
using CaptureChain.Pipeline.Records;

namespace CaptureChain.Pipeline.Legacy;

/// <summary>A folder-name pattern that cannot be used, with the reason in words.</summary>
public sealed class FolderNamePatternException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads who a legacy archive file concerns from its folder names: a .NET regular expression with named groups
/// (<c>case</c>, <c>nir</c>, <c>last</c>, <c>first</c>, <c>birth</c>, <c>beneficiary</c>) matched against the path
/// relative to the source root, forward slashes, e.g.
/// <c>^APA/(?&lt;case&gt;APA-\d{4}-\d{5}) (?&lt;last&gt;[A-Z' -]+?) (?&lt;first&gt;[^/]+)/</c> on
/// <c>APA/APA-2012-00417 DUPONT Marie/2013/scan0001.tif</c>. What it finds becomes a <see cref="BeneficiaryHint"/>
/// that the matcher weighs as evidence of its own kind; a path it does not match (or a group whose text is not a
/// valid value, such as a NIR with a wrong key) contributes nothing. Thread-safe.
/// </summary>
public sealed class FolderNamePattern
{
    /// <summary>The group names a pattern may use.</summary>
    public static readonly IReadOnlyList<string> GroupNames = ["case", "nir", "last", "first", "birth", "beneficiary"];

    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);
    private static readonly string[] BirthFormats = ["yyyy-MM-dd", "dd/MM/yyyy", "dd-MM-yyyy", "dd.MM.yyyy", "yyyyMMdd"];

    private readonly Regex _regex;

    private FolderNamePattern(string pattern, Regex regex)
    {
        Pattern = pattern;
        _regex = regex;
    }

    /// <summary>The pattern as configured.</summary>
    public string Pattern { get; }

    /// <summary>
    /// Parses a pattern. Refuses (with <see cref="FolderNamePatternException"/>) invalid syntax, a group name outside
    /// <see cref="GroupNames"/> (a typo would silently find nothing), and a pattern without any of them.
    /// </summary>
    public static FolderNamePattern Parse(string pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern)) throw new FolderNamePatternException("The folder-name pattern is empty.");
        Regex regex;
        try
        {
            // Culture-invariant and time-limited: a pattern from a configuration file must not hang a night's run.
            regex = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, MatchTimeout);
        }
        catch (ArgumentException e)
        {
            throw new FolderNamePatternException($"The folder-name pattern is not a valid .NET regular expression: {e.Message}", e);
        }
        var named = regex.GetGroupNames().Where(n => !int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out _)).ToList();
        var unknown = named.Where(n => !GroupNames.Contains(n, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
            throw new FolderNamePatternException(
                $"The folder-name pattern uses unknown group name(s) {string.Join(", ", unknown.Select(n => $"'{n}'"))}; " +
                $"allowed: {string.Join(", ", GroupNames)}.");
        if (named.Count == 0)
            throw new FolderNamePatternException(
                $"The folder-name pattern has no named group: name what it captures with (?<case>...), one of {string.Join(", ", GroupNames)}.");
        if (named.Contains("first") && !named.Contains("last"))
            throw new FolderNamePatternException("The folder-name pattern captures a first name without a last name ('last' group missing).");
        return new FolderNamePattern(pattern, regex);
    }

    /// <summary>
    /// The hint <paramref name="relativePath"/> carries (separators normalised to forward slashes), or null when the
    /// pattern does not match or nothing valid was captured.
    /// </summary>
    public BeneficiaryHint? Read(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var path = relativePath.Replace('\\', '/').TrimStart('/');
        Match match;
        try { match = _regex.Match(path); }
        catch (RegexMatchTimeoutException) { return null; } // a pathological path gives no hint rather than a stuck run
        if (!match.Success) return null;

        string? Group(string name) => match.Groups[name] is { Success: true, Value: var v } && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        var caseNumber = Group("case") is { } c ? IdentifierExtractor.CanonicalCaseNumber(c) : null;
        Nir? nir = Group("nir") is { } n && Nir.TryParse(n, out var parsed) ? parsed : null;
        var last = Group("last") is { } l ? Spaced(l) : null;
        var first = last is null ? null : Group("first") is { } f ? Spaced(f) : null;
        var birth = Group("birth") is { } b && DateOnly.TryParseExact(b, BirthFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : (DateOnly?)null;
        var hint = new BeneficiaryHint(caseNumber, nir, last, first, birth, Group("beneficiary"));
        return hint.IsEmpty ? null : hint;
    }

    /// <summary>
    /// <paramref name="defaults"/> with the hint of <paramref name="relativePath"/>; unchanged when the path gives none.
    /// A fixed case of the defaults stays: if the folder names another, the matcher sees the conflict.
    /// </summary>
    public CaptureDefaults Apply(CaptureDefaults defaults, string relativePath)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        return Read(relativePath) is { } hint ? defaults with { Hint = hint } : defaults;
    }

    public override string ToString() => Pattern;

    // Folder names use underscores or dots for spaces ("DUPONT_Marie"), never in a real name.
    private static string Spaced(string name) =>
        string.Join(' ', name.Split([' ', '_', '.'], StringSplitOptions.RemoveEmptyEntries));
}
