using CaptureChain.Classifier.Identifiers;
using CaptureChain.Pipeline.Records;

namespace CaptureChain.Pipeline.Stages;

/// <summary>Reads the beneficiary identifiers on the document: NIR, CAF number, case number, names, birth dates, addresses.</summary>
public sealed class ExtractStage(IdentifierExtractionOptions? options = null) : DocumentStage
{
    public override string Name => "extract";

    protected override CapturedDocument Handle(CapturedDocument document) =>
        document with { Identifiers = IdentifierExtractor.Extract(document.Text, options) };
}
