using CaptureChain.Classifier.Identifiers;

namespace CaptureChain.Classifier.Tests.Identifiers;

public class NirExtractionTests
{
    // NATIVE_NOTES test vectors.
    public static readonly string[] ValidNirs = ["295109912611193", "253072B07300470", "253072A07300443", "255081416802538", "180127512345642"];

    public static TheoryData<string> Vectors() => new(ValidNirs);

    private static string Spaced(string nir) =>
        $"{nir[0]} {nir.Substring(1, 2)} {nir.Substring(3, 2)} {nir.Substring(5, 2)} {nir.Substring(7, 3)} {nir.Substring(10, 3)} {nir.Substring(13, 2)}";

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Finds_valid_nir_compact_and_spaced_with_its_offset(string nir)
    {
        foreach (var printed in new[] { nir, Spaced(nir), nir[..13] + " " + nir[13..] })
        {
            var text = $"ATTESTATION DE DROITS\nAssuré : Mme DUPONT Marie\nN° de sécurité sociale : {printed}\nCaisse primaire";
            var found = IdentifierExtractor.Extract(text).Nirs;

            found.Should().ContainSingle();
            found[0].Nir.Value.Should().Be(nir);
            found[0].Corrected.Should().BeFalse();
            text.Substring(found[0].Span.Offset, found[0].Span.Length).Should().Be(printed);
        }
    }

    [Fact]
    public void Reads_ocr_look_alike_letters_as_digits_when_the_key_then_holds()
    {
        // 2 95 10 99 126 111 93 with S for 5, O for 0, l and I for 1.
        var text = "N° SS : 2 9S 1O 99 l26 1I1 93 (carte vitale)";
        var found = IdentifierExtractor.Extract(text).Nirs;

        found.Should().ContainSingle();
        found[0].Nir.Value.Should().Be("295109912611193");
        found[0].Corrected.Should().BeTrue();
        text.Substring(found[0].Span.Offset, found[0].Span.Length).Should().Be("2 9S 1O 99 l26 1I1 93");
    }

    [Fact]
    public void Corsican_department_misread_as_digits_is_restored_by_the_key()
    {
        // B read as 8 and A read as 4: 28 and 24 are real departments too; only the key tells.
        var fromB = IdentifierExtractor.Extract("NIR 2 53 07 28 073 004 70").Nirs;
        var fromA = IdentifierExtractor.Extract("NIR 2 53 07 24 073 004 43").Nirs;

        fromB.Should().ContainSingle().Which.Nir.Value.Should().Be("253072B07300470");
        fromB[0].Corrected.Should().BeTrue();
        fromA.Should().ContainSingle().Which.Nir.Value.Should().Be("253072A07300443");
    }

    [Fact]
    public void Real_departments_28_and_24_are_not_turned_into_corsica()
    {
        var eureEtLoir = Nir.FromBody("1540328063042").Value;
        var dordogne = Nir.FromBody("2470724322011").Value;
        var text = $"assuré {Spaced(eureEtLoir)} et conjointe {dordogne}";

        var found = IdentifierExtractor.Extract(text).Nirs.Select(n => n.Nir.Value);

        found.Should().Equal(eureEtLoir, dordogne);
    }

    [Fact]
    public void A_printed_corsican_letter_is_never_read_as_a_digit()
    {
        // "2B" printed where the key only fits 28: the letter is trusted, so the key fails and nothing is read,
        // rather than giving a mistyped NIR a second chance to pass.
        var nir = Nir.FromBody("1540328063042").Value;
        var printed = nir[..6] + "B" + nir[7..];

        IdentifierExtractor.Extract("N° " + printed).Nirs.Should().BeEmpty();
    }

    [Fact]
    public void Department_1B_is_not_read_as_18()
    {
        // 2B counts as 18 in the key, so "1B" read as 18 would turn a mistyped 2B into a valid NIR of the Cher.
        IdentifierExtractor.Extract("NIR : 253071B07300470").Nirs.Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Every_single_digit_substitution_is_rejected(string nir)
    {
        for (var position = 0; position < 15; position++)
        {
            foreach (var digit in "0123456789")
            {
                if (nir[position] == digit) continue;
                var mutated = nir[..position] + digit + nir[(position + 1)..];
                var found = IdentifierExtractor.Extract($"NIR : {mutated}").Nirs;

                // The one exception is the OCR confusion itself: a 2B printed 28 (or 2A printed 24) is the same NIR.
                var isCorsicanLookAlike = position == 6 && (nir[6], digit) is ('B', '8') or ('A', '4');
                if (isCorsicanLookAlike)
                    found.Should().ContainSingle().Which.Nir.Value.Should().Be(nir, $"{mutated} is the OCR reading of {nir}");
                else
                    found.Should().BeEmpty($"{mutated} differs from {nir} at position {position}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Every_adjacent_swap_is_rejected(string nir)
    {
        for (var position = 0; position < 14; position++)
        {
            if (nir[position] == nir[position + 1]) continue;
            var chars = nir.ToCharArray();
            (chars[position], chars[position + 1]) = (chars[position + 1], chars[position]);
            var swapped = new string(chars);

            IdentifierExtractor.Extract($"NIR : {swapped}").Nirs.Should().BeEmpty($"{swapped} swaps positions {position} and {position + 1}");
        }
    }

    [Fact]
    public void Fifteen_digits_inside_a_longer_number_are_not_a_nir()
    {
        // A valid NIR glued inside an account number or a reference.
        var text = "Référence 12295109912611193 et compte 2951099126111934455";

        IdentifierExtractor.Extract(text).Nirs.Should().BeEmpty();
    }

    [Fact]
    public void Finds_the_nir_after_other_numbers_on_the_same_line()
    {
        var text = "Tél. 05 56 12 34 56 - N° SS 1 80 12 75 123 456 42 - CP 33000";

        IdentifierExtractor.Extract(text).Nirs.Should().ContainSingle().Which.Nir.Value.Should().Be("180127512345642");
    }

    [Fact]
    public void A_nir_with_a_wrong_key_is_not_extracted()
    {
        IdentifierExtractor.Extract("N° sécurité sociale : 2 95 10 99 126 111 94").Nirs.Should().BeEmpty();
    }

    [Fact]
    public void Masked_nir_hides_the_middle_digits()
    {
        Nir.TryParse("295109912611193", out var nir).Should().BeTrue();
        nir.ToString().Should().NotContain("0991261").And.StartWith("2").And.EndWith("93");
    }
}
