using System.Text.RegularExpressions;
using CaptureChain.Classifier.Typing;
using Microsoft.ML.Data;

namespace CaptureChain.Classifier.Separation;

/// <summary>
/// What the page-boundary model sees for one page following another: the words at the top of the page (titles,
/// letterheads), all its words, the words at the end of the previous page (signatures, "page 2/3"), and a few signals
/// (page numbers, how much the type the page looks like differs from the document so far, how full the page is).
/// </summary>
internal static partial class BoundaryFeatures
{
    /// <summary>Number of numeric signals.</summary>
    public const int SignalCount = 15;

    private const int HeadWords = 30;
    private const int TailWords = 30;

    /// <summary>The model input for <paramref name="page"/> following <paramref name="previous"/>.</summary>
    /// <param name="documentTypes">Mean raw type probabilities of the pages of the current document so far.</param>
    /// <param name="pageTypes">Raw type probabilities of <paramref name="page"/> alone.</param>
    public static BoundaryInput Build(string previous, string page, float[] documentTypes, float[] pageTypes, bool label = false, float weight = 1)
    {
        var normalisedPage = DocumentTextNormaliser.Normalise(page);
        var normalisedPrevious = DocumentTextNormaliser.Normalise(previous);
        var words = normalisedPage.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var previousWords = normalisedPrevious.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new BoundaryInput
        {
            Head = string.Join(' ', words.Take(HeadWords)),
            Body = normalisedPage,
            PreviousTail = string.Join(' ', previousWords.Skip(Math.Max(0, previousWords.Length - TailWords))),
            Signals = Signals(previous, page, documentTypes, pageTypes),
            Label = label,
            Weight = weight,
        };
    }

    /// <summary>The numeric signals, each in [0, 1].</summary>
    public static float[] Signals(string previous, string page, float[] documentTypes, float[] pageTypes)
    {
        var signals = new float[SignalCount];
        var marker = PageMarker.Find(page);
        var previousMarker = PageMarker.Find(previous);
        signals[0] = marker is { IsFirst: true } ? 1 : 0;
        signals[1] = marker is { Number: > 1 } ? 1 : 0;
        signals[2] = previousMarker is { IsLast: true } ? 1 : 0;
        signals[3] = previousMarker is { Total: not null, IsLast: false } ? 1 : 0;
        signals[4] = marker is { } m && previousMarker is { } p && PageMarker.Follows(p, m) ? 1 : 0;
        signals[5] = marker is { } m2 && previousMarker is { } p2 && !PageMarker.Follows(p2, m2) ? 1 : 0;
        if (documentTypes.Length == pageTypes.Length && pageTypes.Length > 0)
        {
            var distance = 0.0;
            for (var i = 0; i < pageTypes.Length; i++) distance += Math.Abs(pageTypes[i] - documentTypes[i]);
            signals[6] = (float)(distance / 2);
            var pageBest = ArgMax(pageTypes);
            var documentBest = ArgMax(documentTypes);
            signals[7] = pageTypes[pageBest];
            signals[8] = pageBest != documentBest ? Math.Min(pageTypes[pageBest], documentTypes[documentBest]) : 0;
            signals[9] = documentTypes[pageBest];
        }
        var letters = page.Count(char.IsLetter);
        signals[10] = Math.Min(1, letters / 2500f);
        signals[11] = letters < 150 ? 1 : 0;
        // Numbered sections of forms ("4. MODE DE VIE", "E. DEMANDES"): the next page goes on where the last one stopped.
        var sections = Sections(page);
        var previousSections = Sections(previous);
        if (sections.Count > 0)
        {
            signals[12] = previousSections.Count > 0 && sections[0] == previousSections[^1] + 1 ? 1 : 0;
            signals[13] = sections[0] == 1 ? 1 : 0;
            signals[14] = previousSections.Count > 0 && sections[0] <= previousSections[^1] ? 1 : 0;
        }
        return signals;
    }

    // A section label at the start of a line: "3. ", "3) ", "C. " followed by a capital (OCR may put a bar or dots before).
    [GeneratedRegex(@"^[\s|.:,'`-]{0,4}(?<label>[1-9]|1[0-9]|[A-H])\s?[.)]\s+\p{Lu}", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex SectionLabel();

    /// <summary>The section numbers of a page, in reading order (A = 1, B = 2, ...).</summary>
    internal static List<int> Sections(string text)
    {
        var sections = new List<int>();
        foreach (Match m in SectionLabel().Matches(text))
        {
            var label = m.Groups["label"].Value;
            sections.Add(char.IsAsciiLetter(label[0]) ? label[0] - 'A' + 1 : int.Parse(label, System.Globalization.CultureInfo.InvariantCulture));
        }
        return sections;
    }

    /// <summary>Mean of probability vectors (the type profile of the pages of a document so far).</summary>
    public static float[] Mean(IReadOnlyList<float[]> vectors)
    {
        if (vectors.Count == 0) return [];
        var mean = new float[vectors[0].Length];
        foreach (var v in vectors)
            for (var i = 0; i < mean.Length; i++) mean[i] += v[i] / vectors.Count;
        return mean;
    }

    private static int ArgMax(float[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}

/// <summary>One row of the page-boundary model (ML.NET input).</summary>
internal sealed class BoundaryInput
{
    public string Head { get; set; } = "";

    public string Body { get; set; } = "";

    public string PreviousTail { get; set; } = "";

    [VectorType(BoundaryFeatures.SignalCount)]
    public float[] Signals { get; set; } = new float[BoundaryFeatures.SignalCount];

    /// <summary>True when the page starts a new document.</summary>
    public bool Label { get; set; }

    public float Weight { get; set; } = 1;
}

/// <summary>The page-boundary model's output.</summary>
internal sealed class BoundaryOutput
{
    public float Probability { get; set; }
}
