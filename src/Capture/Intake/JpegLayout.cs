using System.Buffers.Binary;

namespace CaptureChain.Capture.Intake;

/// <summary>
/// Walks a JPEG's markers (segments inside the file, an end-of-image marker) and, for baseline Huffman JPEGs (what
/// scanners and cameras write), decodes the entropy-coded data without the inverse DCT to prove every block is
/// well-formed. libjpeg pads a cut file with grey and accepts most overwritten data silently (its coefficient index
/// overruns are masked), so both cases must be caught here.
/// </summary>
internal static class JpegLayout
{
    public static void Check(ReadOnlySpan<byte> data)
    {
        try { Walk(data); }
        catch (StructureException e) when (e.Code == SourceRejectionCodes.TruncatedImage && EndsWithEoi(data))
        {
            // The file ends properly, so whatever ran past its end was garbage inside it, not a cut.
            throw new StructureException(SourceRejectionCodes.CorruptImage, e.Message.Replace("tronqué", "corrompu"));
        }
    }

    private static bool EndsWithEoi(ReadOnlySpan<byte> data)
    {
        var end = data.Length;
        while (end > 2 && data[end - 1] == 0) end--; // some writers pad after EOI
        return end >= 4 && data[end - 2] == 0xFF && data[end - 1] == 0xD9;
    }

    private static StructureException Truncated(string what) => new(SourceRejectionCodes.TruncatedImage, $"JPEG tronqué : {what}.");
    private static StructureException Corrupt(string what) => new(SourceRejectionCodes.CorruptImage, $"JPEG corrompu : {what}.");

    private static void Walk(ReadOnlySpan<byte> data)
    {
        var pos = 2; // after SOI
        var tables = new HuffmanTable?[8]; // DC 0-3, AC 4-7
        Frame? frame = null;
        var baseline = false;
        var restartInterval = 0;
        while (true)
        {
            if (pos >= data.Length) throw Truncated("le fichier s'arrête avant le marqueur de fin d'image");
            if (data[pos] != 0xFF) throw Corrupt($"marqueur attendu à l'octet {pos}");
            while (pos < data.Length && data[pos] == 0xFF) pos++; // fill bytes
            if (pos >= data.Length) throw Truncated("le fichier s'arrête sur un marqueur");
            var marker = data[pos++];
            if (marker == 0xD9)
            {
                if (frame is null) throw Corrupt("aucune image avant la fin");
                return;
            }
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7)) continue; // standalone markers
            if (marker is 0x00 or 0xD8) throw Corrupt($"marqueur 0xFF{marker:X2} inattendu");
            if (pos + 2 > data.Length) throw Truncated("un segment est incomplet");
            var length = BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
            if (length < 2) throw Corrupt("longueur de segment invalide");
            if (pos + length > data.Length) throw Truncated("un segment dépasse la fin du fichier");
            var body = data.Slice(pos + 2, length - 2);
            pos += length;
            switch (marker)
            {
                case 0xC4: ReadHuffmanTables(body, tables); break;
                case 0xDD when body.Length >= 2: restartInterval = BinaryPrimitives.ReadUInt16BigEndian(body); break;
                case >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC:
                    frame = Frame.Read(body);
                    // Only 8-bit sequential Huffman frames get the entropy check; others rely on libjpeg alone.
                    baseline = marker is 0xC0 or 0xC1 && frame.Precision == 8;
                    break;
                case 0xDA:
                    if (frame is null) throw Corrupt("données d'image avant l'en-tête de trame");
                    pos = baseline ? DecodeScan(data, pos, body, frame, tables, restartInterval) : SkipScan(data, pos);
                    break;
            }
        }
    }

    // Entropy-coded data: 0xFF is followed by 0x00 (stuffing) or a restart marker; anything else ends the scan.
    private static int SkipScan(ReadOnlySpan<byte> data, int pos)
    {
        while (true)
        {
            var ff = data[pos..].IndexOf((byte)0xFF);
            if (ff < 0 || pos + ff + 1 >= data.Length) throw Truncated("les données d'image s'arrêtent avant la fin");
            pos += ff;
            var next = data[pos + 1];
            if (next == 0x00 || next is >= 0xD0 and <= 0xD7) { pos += 2; continue; }
            if (next == 0xFF) { pos++; continue; }
            return pos;
        }
    }

    private sealed record Component(int Id, int H, int V);

    private sealed record Frame(int Precision, int Height, int Width, Component[] Components)
    {
        public int HMax => Components.Max(c => c.H);
        public int VMax => Components.Max(c => c.V);

        public static Frame Read(ReadOnlySpan<byte> b)
        {
            if (b.Length < 6) throw Corrupt("en-tête de trame trop court");
            var n = b[5];
            if (n == 0 || b.Length < 6 + 3 * n) throw Corrupt("en-tête de trame incomplet");
            var components = new Component[n];
            for (var i = 0; i < n; i++)
            {
                var hv = b[7 + 3 * i];
                components[i] = new Component(b[6 + 3 * i], hv >> 4, hv & 15);
                if (components[i].H is < 1 or > 4 || components[i].V is < 1 or > 4) throw Corrupt("facteurs d'échantillonnage invalides");
            }
            return new Frame(b[0], BinaryPrimitives.ReadUInt16BigEndian(b[1..]), BinaryPrimitives.ReadUInt16BigEndian(b[3..]), components);
        }
    }

    /// <summary>A canonical Huffman table: per code length, the largest code and the index of its first symbol.</summary>
    private sealed class HuffmanTable
    {
        public readonly int[] MaxCode = new int[18];
        public readonly int[] ValOffset = new int[18];
        public byte[] Symbols = [];
    }

    private static void ReadHuffmanTables(ReadOnlySpan<byte> b, HuffmanTable?[] tables)
    {
        var p = 0;
        while (p < b.Length)
        {
            if (p + 17 > b.Length) throw Corrupt("table de Huffman incomplète");
            var tc = b[p] >> 4;
            var th = b[p] & 15;
            if (tc > 1 || th > 3) throw Corrupt("table de Huffman invalide");
            var counts = b.Slice(p + 1, 16);
            var total = 0;
            foreach (var c in counts) total += c;
            if (total > 256 || p + 17 + total > b.Length) throw Corrupt("table de Huffman incomplète");
            var table = new HuffmanTable { Symbols = b.Slice(p + 17, total).ToArray() };
            int code = 0, k = 0;
            for (var len = 1; len <= 16; len++)
            {
                table.ValOffset[len] = k - code;
                code += counts[len - 1];
                k += counts[len - 1];
                table.MaxCode[len] = counts[len - 1] > 0 ? code - 1 : -1;
                code <<= 1;
            }
            table.MaxCode[17] = int.MaxValue;
            tables[tc * 4 + th] = table;
            p += 17 + total;
        }
    }

    /// <summary>Reads entropy-coded bits, unstuffing 0xFF00; stops at any marker.</summary>
    private ref struct BitReader(ReadOnlySpan<byte> data, int pos)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _bits;
        private int _count;
        public int Pos = pos;
        public bool AtMarker;

        public int Bit()
        {
            if (_count == 0)
            {
                if (AtMarker || Pos >= _data.Length) throw Truncated("les données d'image s'arrêtent avant la fin");
                var b = _data[Pos];
                if (b == 0xFF)
                {
                    if (Pos + 1 >= _data.Length) throw Truncated("les données d'image s'arrêtent avant la fin");
                    if (_data[Pos + 1] != 0x00)
                    {
                        AtMarker = true;
                        throw Corrupt($"les données d'image s'arrêtent trop tôt (marqueur 0xFF{_data[Pos + 1]:X2} à l'octet {Pos})");
                    }
                    Pos += 2;
                }
                else Pos++;
                _bits = b;
                _count = 8;
            }
            _count--;
            return (_bits >> _count) & 1;
        }

        public int Bits(int n)
        {
            var v = 0;
            for (var i = 0; i < n; i++) v = (v << 1) | Bit();
            return v;
        }

        /// <summary>Drops the padding bits of the current byte; they must be 1s.</summary>
        public bool AlignPaddingIsOnes()
        {
            var ok = _count == 0 || (_bits & ((1 << _count) - 1)) == (1 << _count) - 1;
            _count = 0;
            return ok;
        }

        public int Decode(HuffmanTable t)
        {
            var code = 0;
            for (var len = 1; len <= 16; len++)
            {
                code = (code << 1) | Bit();
                if (code <= t.MaxCode[len]) return t.Symbols[code + t.ValOffset[len]];
            }
            throw Corrupt($"code de Huffman invalide vers l'octet {Pos}");
        }
    }

    private static int DecodeScan(ReadOnlySpan<byte> data, int pos, ReadOnlySpan<byte> sos, Frame frame, HuffmanTable?[] tables, int restartInterval)
    {
        if (sos.Length < 1) throw Corrupt("en-tête de balayage vide");
        var ns = sos[0];
        if (ns is < 1 or > 4 || sos.Length < 1 + 2 * ns + 3) throw Corrupt("en-tête de balayage invalide");
        if (frame.Width == 0 || frame.Height == 0) return SkipScan(data, pos); // height given later by DNL: leave to libjpeg
        var comps = new (Component C, HuffmanTable Dc, HuffmanTable Ac)[ns];
        for (var i = 0; i < ns; i++)
        {
            var id = sos[1 + 2 * i];
            var c = frame.Components.FirstOrDefault(x => x.Id == id) ?? throw Corrupt("composante inconnue dans le balayage");
            var t = sos[2 + 2 * i];
            comps[i] = (c, tables[t >> 4] ?? throw Corrupt("table de Huffman manquante"), tables[4 + (t & 15)] ?? throw Corrupt("table de Huffman manquante"));
        }

        int mcus, blocksPerMcu;
        int[] blockComponent;
        if (ns == 1)
        {
            // Non-interleaved: one block per MCU over the component's own (subsampled) size.
            var c = comps[0].C;
            var w = (frame.Width * c.H + frame.HMax - 1) / frame.HMax;
            var h = (frame.Height * c.V + frame.VMax - 1) / frame.VMax;
            mcus = ((w + 7) / 8) * ((h + 7) / 8);
            blockComponent = [0];
        }
        else
        {
            mcus = ((frame.Width + 8 * frame.HMax - 1) / (8 * frame.HMax)) * ((frame.Height + 8 * frame.VMax - 1) / (8 * frame.VMax));
            blockComponent = comps.SelectMany((x, i) => Enumerable.Repeat(i, x.C.H * x.C.V)).ToArray();
        }
        blocksPerMcu = blockComponent.Length;

        var reader = new BitReader(data, pos);
        var dcPred = new int[ns];
        var nextRestart = 0;
        for (var m = 0; m < mcus; m++)
        {
            if (restartInterval > 0 && m > 0 && m % restartInterval == 0)
            {
                if (!reader.AlignPaddingIsOnes()) throw Corrupt("bits de bourrage invalides avant un marqueur de reprise");
                var p = reader.Pos;
                if (p + 1 >= data.Length) throw Truncated("les données d'image s'arrêtent avant la fin");
                if (data[p] != 0xFF || data[p + 1] != 0xD0 + nextRestart) throw Corrupt($"marqueur de reprise RST{nextRestart} manquant à l'octet {p}");
                nextRestart = (nextRestart + 1) & 7;
                reader = new BitReader(data, p + 2);
                Array.Clear(dcPred);
            }
            for (var b = 0; b < blocksPerMcu; b++)
            {
                var ci = blockComponent[b];
                var s = reader.Decode(comps[ci].Dc);
                if (s > 11) throw Corrupt("catégorie DC invalide");
                var diff = reader.Bits(s);
                if (s > 0 && diff < 1 << (s - 1)) diff -= (1 << s) - 1;
                dcPred[ci] += diff;
                if (dcPred[ci] is < -2048 or > 2047) throw Corrupt("coefficient DC hors limites");
                for (var k = 1; k < 64;)
                {
                    var rs = reader.Decode(comps[ci].Ac);
                    int r = rs >> 4, size = rs & 15;
                    if (size == 0)
                    {
                        if (r == 0) break;          // end of block
                        if (r != 15) throw Corrupt("symbole AC invalide");
                        k += 16;                     // sixteen zeros, more coefficients must follow
                        if (k > 63) throw Corrupt("bloc de coefficients qui déborde");
                        continue;
                    }
                    if (size > 10) throw Corrupt("catégorie AC invalide");
                    k += r;
                    if (k > 63) throw Corrupt("bloc de coefficients qui déborde");
                    reader.Bits(size);
                    k++;
                }
            }
        }
        if (!reader.AlignPaddingIsOnes()) throw Corrupt("bits de bourrage invalides en fin d'image");
        // The next bytes must be a marker (possibly after fill bytes); data left over means the blocks were misread.
        var end = reader.Pos;
        if (end >= data.Length) throw Truncated("le fichier s'arrête avant le marqueur de fin d'image");
        if (data[end] != 0xFF || end + 1 >= data.Length || data[end + 1] == 0x00)
            throw Corrupt($"données superflues après la dernière ligne (octet {end})");
        return end;
    }
}
