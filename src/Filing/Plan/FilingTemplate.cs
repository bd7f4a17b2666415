using System.Globalization;
using CaptureChain.Filing.Archive;
using System.Text;

namespace CaptureChain.Filing.Plan;

/// <summary>
/// A parsed path template such as <c>{prestation}/{case_number} {last_name:upper} {first_name:title}/{type_folder}/{date:yyyy-MM-dd}_{document_type}_{seq:000}.pdf</c>.
/// Placeholders: beneficiary_id, case_number, prestation, last_name, first_name, document_type, type_folder, retention
/// (text; format upper, lower or title), date (format made of y, M, d and - _ . space; default yyyy-MM-dd) and seq
/// (format of zeros giving the width; exactly once, in the file name).
/// </summary>
public sealed class FilingTemplate
{
    /// <summary>Every placeholder a template may use.</summary>
    public static readonly IReadOnlyList<string> Placeholders =
        ["beneficiary_id", "case_number", "prestation", "last_name", "first_name", "document_type", "type_folder", "retention", "date", "seq"];

    private static readonly string[] TextFormats = ["upper", "lower", "title"];

    private FilingTemplate(string text, IReadOnlyList<IReadOnlyList<Token>> segments, int seqWidth)
    {
        Text = text;
        Segments = segments;
        SeqWidth = seqWidth;
    }

    /// <summary>The template as written.</summary>
    public string Text { get; }

    /// <summary>Width of the zero-padded sequence number.</summary>
    public int SeqWidth { get; }

    internal IReadOnlyList<IReadOnlyList<Token>> Segments { get; }

    /// <summary>True when a whole path segment is exactly <c>{name}</c> (so a mapped value may hold several folders).</summary>
    internal bool IsWholeSegment(string placeholder) =>
        Segments.Any(s => s.Count == 1 && s[0] is { IsPlaceholder: true } t && t.Name == placeholder);

    /// <summary>True when the template uses <paramref name="placeholder"/> anywhere.</summary>
    public bool Uses(string placeholder) => Segments.Any(s => s.Any(t => t.IsPlaceholder && t.Name == placeholder));

    /// <summary>Parses and validates a template; every problem found is added to <paramref name="errors"/> prefixed by <paramref name="where"/>.</summary>
    internal static FilingTemplate? Parse(string? text, string where, List<string> errors)
    {
        var before = errors.Count;
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add($"{where}: the template is empty");
            return null;
        }
        if (text.StartsWith('/') || text.StartsWith('\\') || (text.Length > 1 && text[1] == ':'))
            errors.Add($"{where}: the template must be relative to the archive (it starts with '{text[0]}')");
        if (text.Contains('\\')) errors.Add($"{where}: use '/' between folders, not '\\'");

        var tokens = new List<Token>();
        var literal = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '{')
            {
                var close = text.IndexOf('}', i + 1);
                var nextOpen = text.IndexOf('{', i + 1);
                if (close < 0 || (nextOpen >= 0 && nextOpen < close))
                {
                    errors.Add($"{where}: '{{' at position {i + 1} has no matching '}}'");
                    break;
                }
                if (literal.Length > 0) { tokens.Add(Token.Literal(literal.ToString())); literal.Clear(); }
                var body = text[(i + 1)..close];
                var colon = body.IndexOf(':');
                var name = (colon < 0 ? body : body[..colon]).Trim();
                var format = colon < 0 ? null : body[(colon + 1)..];
                tokens.Add(Token.Placeholder(name, format, i + 1));
                i = close;
            }
            else if (c == '}')
            {
                errors.Add($"{where}: '}}' at position {i + 1} has no matching '{{'");
            }
            else
            {
                if (char.IsControl(c)) errors.Add($"{where}: control character U+{(int)c:X4} at position {i + 1}");
                else if (c is '<' or '>' or ':' or '"' or '|' or '?' or '*')
                    errors.Add($"{where}: character '{c}' at position {i + 1} is not allowed in file names");
                literal.Append(c);
            }
        }
        if (literal.Length > 0) tokens.Add(Token.Literal(literal.ToString()));

        // Split into path segments at '/' inside literals.
        var segments = new List<List<Token>> { new() };
        foreach (var token in tokens)
        {
            if (token.IsPlaceholder) { segments[^1].Add(token); continue; }
            var parts = token.Text.Split('/');
            for (var p = 0; p < parts.Length; p++)
            {
                if (p > 0) segments.Add([]);
                if (parts[p].Length > 0) segments[^1].Add(Token.Literal(parts[p]));
            }
        }

        var seqWidth = 1;
        var seqCount = 0;
        for (var s = 0; s < segments.Count; s++)
        {
            var segment = segments[s];
            if (segment.Count == 0)
            {
                if (s > 0 || !text.StartsWith('/')) errors.Add($"{where}: empty folder name (two '/' in a row or a trailing '/')");
                continue;
            }
            if (segment.All(t => !t.IsPlaceholder))
            {
                var literalSegment = string.Concat(segment.Select(t => t.Text));
                if (literalSegment.Trim(' ', '.').Length == 0)
                    errors.Add($"{where}: folder name '{literalSegment}' is not allowed ('.' and '..' would leave the case folder)");
            }
            foreach (var token in segment.Where(t => t.IsPlaceholder))
            {
                if (!Placeholders.Contains(token.Name))
                {
                    errors.Add($"{where}: unknown placeholder {{{token.Name}}} at position {token.Position} (known: {string.Join(", ", Placeholders)})");
                    continue;
                }
                switch (token.Name)
                {
                    case "seq":
                        seqCount++;
                        if (s != segments.Count - 1) errors.Add($"{where}: {{seq}} must be in the file name (the last segment), not in a folder");
                        if (token.Format is not null)
                        {
                            if (token.Format.Length == 0 || token.Format.Any(ch => ch != '0') || token.Format.Length > 9)
                                errors.Add($"{where}: {{seq:{token.Format}}}: the format must be 1 to 9 zeros giving the width, e.g. {{seq:000}}");
                            else seqWidth = token.Format.Length;
                        }
                        break;
                    case "date":
                        if (token.Format is not null && (token.Format.Length == 0 || token.Format.Any(ch => "yMd-_. ".IndexOf(ch) < 0) || !token.Format.Any(ch => ch is 'y' or 'M' or 'd')))
                            errors.Add($"{where}: {{date:{token.Format}}}: the format may use only y, M, d and the separators - _ . and space (e.g. yyyy-MM-dd)");
                        break;
                    default:
                        if (token.Format is not null && !TextFormats.Contains(token.Format))
                            errors.Add($"{where}: {{{token.Name}:{token.Format}}}: unknown format (use upper, lower or title, or none)");
                        break;
                }
            }
        }
        if (seqCount == 0)
            errors.Add($"{where}: the file name must contain {{seq}} (e.g. {{seq:000}}) so that two documents never get the same name");
        else if (seqCount > 1)
            errors.Add($"{where}: {{seq}} appears {seqCount} times; it must appear once");
        var nonEmpty = segments.Where(s => s.Count > 0).ToList();
        if (nonEmpty.Count < 2) errors.Add($"{where}: the template needs at least one folder and a file name");
        else
        {
            var last = nonEmpty[^1];
            if (last[^1] is not { IsPlaceholder: false } tail || !tail.Text.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase))
                errors.Add($"{where}: the file name must end with the literal extension .pdf");
            var first = nonEmpty[0];
            if (first.All(t => !t.IsPlaceholder))
            {
                var firstName = string.Concat(first.Select(t => t.Text));
                if (CaseFolderArchiveLayout.IsReservedTopFolder(firstName))
                    errors.Add($"{where}: the top folder '{firstName}' is reserved by the archive");
            }
        }

        return errors.Count > before ? null : new FilingTemplate(text, nonEmpty, seqWidth);
    }

    /// <summary>Formats one text placeholder value.</summary>
    internal static string FormatText(string value, string? format) => format switch
    {
        "upper" => value.ToUpperInvariant(),
        "lower" => value.ToLowerInvariant(),
        "title" => TitleCase(value),
        _ => value,
    };

    /// <summary>Formats the date placeholder with the invariant culture.</summary>
    internal static string FormatDate(DateOnly date, string? format) =>
        date.ToString(string.IsNullOrEmpty(format) ? "yyyy-MM-dd" : format, CultureInfo.InvariantCulture);

    /// <summary>"jean-PIERRE de la fontaine" → "Jean-Pierre De La Fontaine": upper case after a space, hyphen or apostrophe.</summary>
    private static string TitleCase(string value)
    {
        var sb = new StringBuilder(value.Length);
        var startOfWord = true;
        foreach (var c in value.ToLowerInvariant())
        {
            sb.Append(startOfWord ? char.ToUpperInvariant(c) : c);
            startOfWord = char.IsWhiteSpace(c) || c is '-' or '\'' or '\u2019';
        }
        return sb.ToString();
    }

    /// <summary>One piece of a template: literal text or a placeholder with its optional format.</summary>
    internal sealed record Token(bool IsPlaceholder, string Text, string Name, string? Format, int Position)
    {
        public static Token Literal(string text) => new(false, text, "", null, 0);
        public static Token Placeholder(string name, string? format, int position) => new(true, "", name, format, position);
    }
}
