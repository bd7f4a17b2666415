using System.Text;
using CaptureChain.Classifier.Text;

namespace CaptureChain.Classifier.Typing;

/// <summary>
/// Turns OCR text into what the type model sees: lower case, accents folded, every number collapsed to "0" (so NIRs,
/// amounts and dates never become features, and no personal number is stored in the model), punctuation as spaces.
/// Training and prediction use the same function; its version is saved with the model.
/// </summary>
public static class DocumentTextNormaliser
{
    /// <summary>Saved in the model metadata; a model trained with another version is refused.</summary>
    public const string Version = "1";

    /// <summary>Only the start of very long documents is used: the type shows on the first pages.</summary>
    public const int MaxLength = 12_000;

    /// <summary>The normalised text.</summary>
    public static string Normalise(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength) text = text[..MaxLength];
        var sb = new StringBuilder(text.Length);
        var lastWasSpace = true;
        var inNumber = false;
        foreach (var raw in TextFolding.FoldLower(text))
        {
            if (char.IsAsciiDigit(raw))
            {
                if (!inNumber) { if (!lastWasSpace) sb.Append(' '); sb.Append('0'); }
                inNumber = true;
                lastWasSpace = false;
                continue;
            }
            // "12,50" and "05 56" stay one number; a separator that is not followed by a digit ends it below.
            if (inNumber && raw is ',' or '.' or ' ') continue;
            if (inNumber) { sb.Append(' '); lastWasSpace = true; inNumber = false; }
            if (char.IsLetter(raw)) { sb.Append(raw); lastWasSpace = false; }
            else if (raw == '€') { if (!lastWasSpace) sb.Append(' '); sb.Append("eur "); lastWasSpace = true; }
            else if (!lastWasSpace) { sb.Append(' '); lastWasSpace = true; }
        }
        return sb.ToString().TrimEnd();
    }
}
