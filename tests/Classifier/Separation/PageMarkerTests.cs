using CaptureChain.Classifier.Separation;

namespace CaptureChain.Classifier.Tests.Separation;

public class PageMarkerTests
{
    [Theory]
    [InlineData("Formulaire APA\n...\nPage 2/4", 2, 4)]
    [InlineData("texte\npage 1 sur 3", 1, 3)]
    [InlineData("Conseil départemental — APA                 Page l/2", 1, 2)]
    [InlineData("bas de page\n  3 / 3  \n", 3, 3)]
    [InlineData("RG 24/01234 — page 2", 2, null)]
    public void Reads_printed_page_numbers(string text, int number, int? total)
    {
        PageMarker.Find(text).Should().Be(new PageMarker(number, total));
    }

    [Theory]
    [InlineData("Né le 12/05/1942 à Bordeaux")]
    [InlineData("Montant 12/3 de la mensualité, échéance 7/12")]
    [InlineData("Page 5/3")]
    [InlineData("")]
    public void Dates_fractions_and_impossible_numbers_are_not_page_numbers(string text)
    {
        PageMarker.Find(text).Should().BeNull();
    }

    [Fact]
    public void Consecutive_pages_follow_each_other()
    {
        PageMarker.Follows(new PageMarker(1, 3), new PageMarker(2, 3)).Should().BeTrue();
        PageMarker.Follows(new PageMarker(2, null), new PageMarker(3, null)).Should().BeTrue();
        PageMarker.Follows(new PageMarker(3, 3), new PageMarker(1, 2)).Should().BeFalse();
        PageMarker.Follows(new PageMarker(1, 2), new PageMarker(2, 4)).Should().BeFalse();
        new PageMarker(3, 3).IsLast.Should().BeTrue();
        new PageMarker(1, null).IsFirst.Should().BeTrue();
    }
}
