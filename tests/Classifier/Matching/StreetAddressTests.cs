using CaptureChain.Classifier.Matching;

namespace CaptureChain.Classifier.Tests.Matching;

public class StreetAddressTests
{
    [Theory]
    [InlineData("12 bis rue des Lilas", "12", "BIS", "RUE", "LILAS")]
    [InlineData("EHPAD Les Tilleuls, 4 rue du Moulin", "4", "", "RUE", "MOULIN")]
    [InlineData("Résidence Le Parc, apt 12, 8 allée des Chênes", "8", "", "ALLEE", "CHENES")]
    [InlineData("5, av. Thiers", "5", "", "AVENUE", "THIERS")]
    [InlineData("3 bd du Mal Leclerc 33000 Bordeaux", "3", "", "BOULEVARD", "MARECHAL LECLERC")]
    [InlineData("007 lieu-dit La Hourcade", "7", "", "LIEUDIT", "HOURCADE")]
    public void Parses_the_number_and_street(string address, string number, string suffix, string type, string name)
    {
        StreetAddress.Parse(address).Should().Be(new StreetAddress(number, suffix, type, name));
    }

    [Theory]
    [InlineData("Bordeaux")]
    [InlineData("apt 12")]
    [InlineData("rue des Lilas")]
    public void No_street_number_no_street_address(string address)
    {
        StreetAddress.Parse(address).Should().BeNull();
    }

    [Theory]
    [InlineData("12 rue des Lilas", "12 Rue Des Lilas", true)]
    [InlineData("12 rue des Lilas", "12 r. des Lilas", true)]
    [InlineData("12 rue des Lilas", "12 rue des Lllas", true)]         // OCR
    [InlineData("12 bis rue des Lilas", "12 rue des Lilas", true)]     // bis missing on one side
    [InlineData("12 bis rue des Lilas", "12 ter rue des Lilas", false)]
    [InlineData("12 rue des Lilas", "14 rue des Lilas", false)]
    [InlineData("12 rue des Lilas", "12 impasse des Lilas", false)]
    [InlineData("12 rue Sainte-Catherine", "12 rue Ste Catherine", true)]
    [InlineData("12 rue des Lilas", "12 rue des Roses", false)]
    [InlineData("9 RUE SAINTE-CATHER", "9 rue Sainte-Catherine", true)]    // cut at 32 characters on a tax notice
    [InlineData("59 AVENUE DE LA REP", "59 avenue de la République", true)]
    [InlineData("59 AVENUE DE LA RE", "59 avenue de la République", false)] // two letters are no street
    [InlineData("9 RUE SAINTE-CATHER", "9 rue Saint-Genès", false)]
    public void Compares_streets(string a, string b, bool same)
    {
        StreetAddress.Same(StreetAddress.Parse(a)!, StreetAddress.Parse(b)!).Should().Be(same);
    }
}
