using CaptureChain.Classifier.Typing;
using CaptureChain.Pipeline.Records;

namespace CaptureChain.Pipeline.Stages;

/// <summary>Predicts the document type from the text of its pages, with a confidence and the type's threshold.</summary>
public sealed class ClassifyStage(DocumentTypeModel model) : DocumentStage
{
    public override string Name => "classify";

    protected override CapturedDocument Handle(CapturedDocument document) => document with { Type = model.Predict(document.Text) };
}
