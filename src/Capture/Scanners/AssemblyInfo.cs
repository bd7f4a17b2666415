using System.Runtime.CompilerServices;

// The scanner tests check the TWAIN structure sizes and drive the native triplets directly.
[assembly: InternalsVisibleTo("CaptureChain.Capture.Tests")]
