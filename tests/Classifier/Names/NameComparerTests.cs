using CaptureChain.Classifier.Names;

namespace CaptureChain.Classifier.Tests.Names;

public class NameComparerTests
{
    [Theory]
    [InlineData("Lefèvre", "LEFEVRE")]
    [InlineData("de La Fontaine", "DE LA FONTAINE")]
    [InlineData("N’Diaye", "N DIAYE")]
    [InlineData("Jean-Pierre", "JEAN PIERRE")]
    [InlineData("  Œillet  ", "OEILLET")]
    [InlineData("DUP0NT", "DUPONT")]
    public void Normalises_accents_particles_hyphens_apostrophes_and_ocr_digits(string name, string expected)
    {
        NameComparer.Normalise(name).Should().Be(expected);
    }

    [Theory]
    [InlineData("LEFÈVRE", "Lefevre")]            // accent dropped by OCR
    [InlineData("DUPONT", "DUPNOT")]              // adjacent letters swapped
    [InlineData("MARTIN", "MARTlN")]              // l for I
    [InlineData("DE LA FONTAINE", "Delafontaine")] // particles glued
    [InlineData("DE LA FONTAINE", "FONTAINE")]     // particles dropped
    [InlineData("LE GALL", "Le Gall")]
    [InlineData("N'DIAYE", "NDIAYE")]
    [InlineData("ROUSSEAU", "ROUSEAU")]            // a letter lost
    public void Same_last_name_despite_ocr_and_spelling(string a, string b)
    {
        NameComparer.SameLastName(a, b).Should().BeTrue();
        NameComparer.SameLastName(b, a).Should().BeTrue();
    }

    [Theory]
    [InlineData("DUPONT", "DURAND")]
    [InlineData("MARTIN", "MARTINEZ")]
    [InlineData("LE GALL", "LEGRAND")]
    [InlineData("FAURE", "FAVRES")] // two edits on a 5-letter name
    [InlineData("LY", "LI")]        // too short for any tolerance
    public void Different_last_names(string a, string b)
    {
        NameComparer.SameLastName(a, b).Should().BeFalse();
    }

    [Theory]
    [InlineData("Marie-Thérèse", "Marie Therese", true)]
    [InlineData("Marie", "Marie-Thérèse", true)]             // usual first name of a compound
    [InlineData("Marie Thérèse Jeanne", "Marie-Thérèse", true)] // all first names vs usual ones
    [InlineData("J.", "Jean", true)]                         // an initial
    [InlineData("Hélène", "HELENE", true)]
    [InlineData("Louis", "Louise", false)]                  // masculine / feminine
    [InlineData("Jean", "Jeanne", false)]
    [InlineData("Joël", "Joëlle", false)]
    [InlineData("René", "Renée", false)]
    [InlineData("Marie-Claire", "Marie-Louise", false)]
    [InlineData("Paul", "Pierre", false)]
    public void First_names(string a, string b, bool same)
    {
        NameComparer.SameFirstName(a, b).Should().Be(same);
        NameComparer.SameFirstName(b, a).Should().Be(same);
    }

    [Fact]
    public void Reading_order_is_tried_both_ways_only_when_unknown()
    {
        var read = new PersonName("Marie", "Dupont");
        var registered = new PersonName("DUPONT", "Marie");

        NameComparer.SameName(read, registered, orderKnown: true).Should().BeFalse();
        NameComparer.SameName(read, registered, orderKnown: false).Should().BeTrue();
    }

    [Fact]
    public void A_name_without_first_name_matches_on_the_last_name()
    {
        NameComparer.SameName(new PersonName("Dupont", null), new PersonName("DUPONT", "Marie")).Should().BeTrue();
        NameComparer.SameName(new PersonName("Durand", null), new PersonName("DUPONT", "Marie")).Should().BeFalse();
    }

    [Theory]
    [InlineData("KITTEN", "SITTING", 3)]
    [InlineData("ABCD", "ABDC", 1)]
    [InlineData("ABC", "ABC", 0)]
    [InlineData("", "ABC", 3)]
    public void Distance_counts_edits_and_adjacent_swaps(string a, string b, int expected)
    {
        NameComparer.Distance(a, b, 5).Should().Be(expected);
    }

    [Fact]
    public void Distance_stops_early_above_the_limit()
    {
        NameComparer.Distance("ABCDEFGH", "HGFEDCBA", 2).Should().Be(3);
    }

    [Fact]
    public void Person_name_never_prints_in_full()
    {
        new PersonName("DUPONT", "Marie").ToString().Should().NotContain("DUPONT").And.NotContain("Marie");
    }
}
