namespace CaptureChain.Classifier.Typing;

/// <summary>
/// Which normalised words the model saw in enough training documents, as a Bloom filter (no word is stored). A
/// softmax model is confident about anything, even noise or an off-topic page; the share of a text's words that the
/// training corpus knew tells garbage (measured ≤ 3 %), other languages (≈ 10 %) and off-topic French (≈ 15 %) from
/// real documents (≥ 30 % even with 25 % of OCR character errors).
/// </summary>
internal sealed class TrainingVocabulary
{
    private const int BitCount = 1 << 18; // 32 KiB: about 2 % false positives at 20 000 words with two hashes
    private readonly byte[] _bits;

    private TrainingVocabulary(byte[] bits) => _bits = bits;

    /// <summary>
    /// Words of at least 3 letters found in at least <paramref name="minimumDocuments"/> training documents. Words
    /// of one person (a name, a street) rarely reach that count, so the filter says little about individuals.
    /// </summary>
    public static TrainingVocabulary Build(IEnumerable<string> normalisedTexts, int minimumDocuments)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var text in normalisedTexts)
            foreach (var word in Words(text).Distinct(StringComparer.Ordinal))
                counts[word] = counts.GetValueOrDefault(word) + 1;
        var bits = new byte[BitCount / 8];
        foreach (var (word, count) in counts)
        {
            if (count < minimumDocuments) continue;
            foreach (var index in Indexes(word)) bits[index >> 3] |= (byte)(1 << (index & 7));
        }
        return new TrainingVocabulary(bits);
    }

    /// <summary>Reads the bytes written by <see cref="ToBytes"/>.</summary>
    public static TrainingVocabulary FromBytes(byte[] bytes) =>
        bytes.Length == BitCount / 8 ? new TrainingVocabulary(bytes) : throw new InvalidDataException("Vocabulary filter has the wrong size.");

    /// <summary>The filter's bits.</summary>
    public byte[] ToBytes() => (byte[])_bits.Clone();

    /// <summary>Share of the words of a normalised text that training knew (0 for a text without words).</summary>
    public double Coverage(string normalised)
    {
        var words = 0;
        var known = 0;
        foreach (var word in Words(normalised))
        {
            words++;
            if (Indexes(word).All(i => (_bits[i >> 3] & (1 << (i & 7))) != 0)) known++;
        }
        return words == 0 ? 0 : (double)known / words;
    }

    private static IEnumerable<string> Words(string normalised) =>
        normalised.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length >= 3 && w.All(char.IsLetter));

    // FNV-1a 64 bits, split into two indexes: stable across processes, unlike string.GetHashCode.
    private static int[] Indexes(string word)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in word)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        return [(int)((uint)hash % BitCount), (int)((uint)(hash >> 32) % BitCount)];
    }
}
