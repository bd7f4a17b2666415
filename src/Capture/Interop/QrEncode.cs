using System.Runtime.InteropServices;

namespace CaptureChain.Capture.Interop;

/// <summary>P/Invoke surface of libqrencode (libqrencode.so.4), used to print QR codes on batch sheets.</summary>
internal static partial class QrEncode
{
    private const string Lib = "libqrencode.so.4";

    // QRecLevel and QRencodeMode (qrencode.h).
    internal const int EcLevelL = 0, EcLevelM = 1, EcLevelQ = 2, EcLevelH = 3;
    internal const int Mode8 = 2;

    [StructLayout(LayoutKind.Sequential)]
    private struct QRcode { public int Version; public int Width; public IntPtr Data; }

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial IntPtr QRcode_encodeString(string text, int version, int level, int hint, int caseSensitive);
    [LibraryImport(Lib)] private static partial void QRcode_free(IntPtr qrcode);

    /// <summary>Encodes <paramref name="text"/> (UTF-8, byte mode); returns the module matrix, true = dark.</summary>
    internal static unsafe bool[,] Encode(string text, int ecLevel)
    {
        var code = QRcode_encodeString(text, 0, ecLevel, Mode8, 1);
        if (code == IntPtr.Zero)
            throw new InvalidOperationException($"libqrencode could not encode the text (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            var qr = *(QRcode*)code;
            var modules = new bool[qr.Width, qr.Width];
            var data = (byte*)qr.Data;
            // Bit 0 of each byte is the module colour (1 = dark); the other bits describe the module's role.
            for (var y = 0; y < qr.Width; y++)
                for (var x = 0; x < qr.Width; x++)
                    modules[y, x] = (data[y * qr.Width + x] & 1) != 0;
            return modules;
        }
        finally { QRcode_free(code); }
    }
}
