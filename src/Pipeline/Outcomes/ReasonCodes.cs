using CaptureChain.Capture.Intake;
using CaptureChain.Classifier.Matching;

namespace CaptureChain.Pipeline.Outcomes;

/// <summary>
/// Machine-readable reasons for every non-filed outcome (the manifest's <c>reasons</c>), each with the sentence an
/// operator or reviewer reads to know what to do.
/// </summary>
public static class ReasonCodes
{
    // Input that cannot be read: quarantined as rejected.
    public const string EmptyFile = SourceRejectionCodes.EmptyFile;
    public const string UnsupportedFormat = SourceRejectionCodes.UnsupportedFormat;
    public const string TruncatedImage = SourceRejectionCodes.TruncatedImage;
    public const string CorruptImage = SourceRejectionCodes.CorruptImage;
    public const string ImageTooLarge = SourceRejectionCodes.ImageTooLarge;
    public const string ImageTooSmall = "image_too_small";
    public const string PdfEncrypted = SourceRejectionCodes.PdfEncrypted;
    public const string PdfUnreadable = SourceRejectionCodes.PdfUnreadable;
    public const string NotAPdf = SourceRejectionCodes.NotAPdf;
    public const string FileUnreadable = SourceRejectionCodes.FileUnreadable;
    public const string ProcessingFault = "processing_fault";

    // Uncertain documents: sent to review.
    public const string TypeLowConfidence = "type_low_confidence";
    public const string NoText = "no_text";
    public const string OcrDeadline = "ocr_deadline";
    public const string OcrFault = "ocr_fault";
    public const string BeneficiaryNotFound = MatchReasons.BeneficiaryNotFound;
    public const string BeneficiaryAmbiguous = MatchReasons.BeneficiaryAmbiguous;
    public const string IdentifiersConflict = MatchReasons.IdentifiersConflict;
    public const string NameOnly = MatchReasons.NameOnly;
    public const string NoIdentifier = MatchReasons.NoIdentifier;
    public const string CoverCaseUnknown = MatchReasons.CoverCaseUnknown;
    public const string FolderHintUnknown = MatchReasons.FolderHintUnknown;
    public const string FolderHintConflict = MatchReasons.FolderHintConflict;
    public const string QualitySample = "quality_sample";
    public const string SeparationUncertain = "separation_uncertain";
    public const string SheetConflict = "sheet_conflict";

    // Decisions of a person on the review page.
    public const string RejectedByReviewer = "rejected_by_reviewer";
    public const string SplitByReviewer = "split_by_reviewer";
    public const string MergedByReviewer = "merged_by_reviewer";

    // Other outcomes.
    public const string DuplicateContent = "duplicate_content";
    /// <summary>The same paper scanned again: its text fingerprint is close to a filed document's of the same beneficiary and type.</summary>
    public const string DuplicateRescan = "duplicate_rescan";
    public const string EmptyDocument = "empty_document";

    private static readonly Dictionary<string, string> Explanations = new()
    {
        [EmptyFile] = "The file is empty (0 bytes): rescan the document.",
        [UnsupportedFormat] = "Not a TIFF, PNG, JPEG or PDF file: export the scan in one of those formats.",
        [TruncatedImage] = "The image file is cut short (incomplete copy or transfer): copy or rescan it again.",
        [CorruptImage] = "The image data is damaged and cannot be decoded: rescan the document.",
        [ImageTooLarge] = "The image is larger than any scanned page can be (decompression bomb guard): check the source.",
        [ImageTooSmall] = "The image is too small to hold a readable page: rescan at 200-300 dpi.",
        [PdfEncrypted] = "The PDF is password-protected: ask the sender for an unprotected copy.",
        [PdfUnreadable] = "The PDF is damaged and cannot be read: ask for a new copy or rescan the paper.",
        [NotAPdf] = "The file is named .pdf but is not a PDF: check what was saved under that name.",
        [FileUnreadable] = "The file could not be read (permissions, or it vanished while being read): check it and drop it again.",
        [ProcessingFault] = "An internal error stopped this file; it is kept in quarantine and the batch went on.",
        [TypeLowConfidence] = "The document type is uncertain: choose the type.",
        [NoText] = "No text could be read on the document: check the scan quality or type it by hand.",
        [OcrDeadline] = "Text recognition took too long on a page (noise or a photo?): check the page.",
        [OcrFault] = "Text recognition failed on a page: check the page.",
        [BeneficiaryNotFound] = "No beneficiary of the registry matches the identifiers on the document: pick the beneficiary or check the registry.",
        [BeneficiaryAmbiguous] = "Several beneficiaries match (homonyms): pick the right one.",
        [IdentifiersConflict] = "The identifiers on the document point to different beneficiaries: pick the right one.",
        [NameOnly] = "Only a name was found, which never identifies a person on its own: pick the beneficiary.",
        [NoIdentifier] = "No identifier (NIR, CAF number, case number, name and birth date) was found: pick the beneficiary.",
        [CoverCaseUnknown] = "The cover sheet names a case number that is not in the registry: check the cover sheet.",
        [FolderHintUnknown] = "The archive folder's name gives a case number, NIR or person that is not in the registry: check the folder and pick the beneficiary.",
        [FolderHintConflict] = "The archive folder's name and the document designate different beneficiaries (misplaced sheet?): pick the right one.",
        [SheetConflict] = "A page carries barcodes of different batch sheets: check which sheet it is.",
        [QualitySample] = "Filed automatically, sampled for a quality check: confirm or correct.",
        [SeparationUncertain] = "No separator sheet, and where this document starts or ends is uncertain: check its first and last pages (split or merge).",
        [RejectedByReviewer] = "A reviewer rejected the document to quarantine (see the review journal for why).",
        [SplitByReviewer] = "A reviewer cut this document out of a longer one: confirm its type and beneficiary.",
        [MergedByReviewer] = "A reviewer joined this document with the one before it: confirm its type and beneficiary.",
        [DuplicateContent] = "The same content was already filed: nothing was filed twice.",
        [DuplicateRescan] = "The same paper was already scanned and filed (same text, other scan): nothing was filed twice; see the original's path.",
        [EmptyDocument] = "Only blank pages or sheets between two separators: nothing to file.",
    };

    /// <summary>The operator-facing explanation of a reason code.</summary>
    public static string Explain(string code) => Explanations.TryGetValue(code, out var text) ? text : code;

    /// <summary>Every reason code known to this version.</summary>
    public static IReadOnlyCollection<string> All => Explanations.Keys;
}
