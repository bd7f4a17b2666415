using CaptureChain.Filing.Store;

namespace CaptureChain.Pipeline.Records;

/// <summary>Where a document ended (one manifest line) and, for progress, how many pages it kept.</summary>
public sealed record DocumentOutcome(SourceFile Source, DocumentRecord Record, int KeptPages, bool Resumed);
