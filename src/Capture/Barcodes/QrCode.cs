using CaptureChain.Capture.Interop;

namespace CaptureChain.Capture.Barcodes;

/// <summary>A QR code as a square matrix of modules (true = dark), quiet zone not included.</summary>
public sealed class QrCode
{
    private readonly bool[,] _modules;

    private QrCode(string payload, bool[,] modules) { Payload = payload; _modules = modules; }

    /// <summary>The encoded text.</summary>
    public string Payload { get; }

    /// <summary>Modules per side.</summary>
    public int Size => _modules.GetLength(0);

    /// <summary>Whether the module at (<paramref name="x"/>, <paramref name="y"/>) is dark.</summary>
    public bool this[int x, int y] => _modules[y, x];

    /// <summary>Encodes <paramref name="payload"/> with libqrencode, error correction level M by default.</summary>
    public static QrCode Encode(string payload, QrErrorCorrection level = QrErrorCorrection.M) =>
        new(payload, QrEncode.Encode(payload, level switch
        {
            QrErrorCorrection.L => QrEncode.EcLevelL,
            QrErrorCorrection.M => QrEncode.EcLevelM,
            QrErrorCorrection.Q => QrEncode.EcLevelQ,
            _ => QrEncode.EcLevelH,
        }));
}

/// <summary>QR error-correction level: share of the symbol that may be damaged (L 7 %, M 15 %, Q 25 %, H 30 %).</summary>
public enum QrErrorCorrection { L, M, Q, H }
