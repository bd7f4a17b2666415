using CaptureChain.Classifier.Identifiers;
using CaptureChain.Pipeline.Legacy;
using CaptureChain.Pipeline.Records;

namespace CaptureChain.Pipeline.Tests.Legacy;

/// <summary>Reading case numbers and people from legacy archive folder names, and refusing patterns that cannot work.</summary>
public class FolderNamePatternTests
{
    private const string CaseAndName = @"^(?:APA|PCH)/(?<case>[A-Z]{3}-\d{4}-\d{5}) (?<last>[A-ZÀ-Ÿ' -]+?) (?<first>[^/]+)/";

    [Fact]
    public void A_case_number_and_name_are_read_from_a_deep_path()
    {
        var pattern = FolderNamePattern.Parse(@"^APA/(?<case>APA-\d{4}-\d{5}) (?<last>[A-ZÀ-Ÿ' -]+?) (?<first>[^/]+)/");

        var hint = pattern.Read("APA/APA-2012-00417 DUPONT Marie/2013/scan0001.tif");

        hint.Should().NotBeNull();
        hint!.CaseNumber.Should().Be("APA-2012-00417");
        hint.LastName.Should().Be("DUPONT");
        hint.FirstName.Should().Be("Marie");
        hint.Nir.Should().BeNull();
        hint.BirthDate.Should().BeNull();
    }

    [Fact]
    public void Backslashes_and_a_leading_slash_are_normalised()
    {
        var pattern = FolderNamePattern.Parse(@"^dossiers/(?<last>[^_/]+)_(?<first>[^_/]+)_(?<birth>\d{2}/\d{2}/\d{4}|\d{4}-\d{2}-\d{2})");

        var hint = pattern.Read(@"\dossiers\LEGALL_Anne-Marie_1942-05-03\x.tif");
        hint!.LastName.Should().Be("LEGALL");
        hint.FirstName.Should().Be("Anne-Marie");
        hint.BirthDate.Should().Be(new DateOnly(1942, 5, 3));
    }

    [Fact]
    public void Birth_dates_are_read_in_iso_and_french_forms_and_an_impossible_date_is_ignored()
    {
        var pattern = FolderNamePattern.Parse(@"^(?<last>[A-Z]+) (?<first>[A-Za-z]+) (?<birth>[\d/-]+)/");

        pattern.Read("DUPONT Marie 1942-05-03/a.tif")!.BirthDate.Should().Be(new DateOnly(1942, 5, 3));
        pattern.Read("DUPONT Marie 03/05/1942/a.tif")!.BirthDate.Should().Be(new DateOnly(1942, 5, 3));
        pattern.Read("DUPONT Marie 31-02-1942/a.tif")!.BirthDate.Should().BeNull("31 February does not exist");
    }

    [Fact]
    public void A_nir_with_a_wrong_key_is_not_taken_and_a_valid_one_is()
    {
        var pattern = FolderNamePattern.Parse(@"^NIR (?<nir>[0-9AB ]{15,21})/");
        var nir = Nir.FromBody("2420533063042");

        pattern.Read($"NIR {nir.Value}/scan.tif")!.Nir.Should().Be(nir);
        var wrongKey = nir.Value[..13] + ((nir.Key + 1) % 100).ToString("00");
        pattern.Read($"NIR {wrongKey}/scan.tif").Should().BeNull("a NIR with a wrong key is a typo, not evidence");
    }

    [Fact]
    public void A_path_the_pattern_does_not_match_gives_no_hint_and_leaves_the_defaults_unchanged()
    {
        var pattern = FolderNamePattern.Parse(CaseAndName);
        var defaults = new CaptureDefaults(Operator: "night", Station: "bulk");

        pattern.Apply(defaults, "divers/scan0001.tif").Should().BeSameAs(defaults);
        var applied = pattern.Apply(defaults, "PCH/PCH-2013-00456 DUPONT Marie/scan.tif");
        applied.Hint!.CaseNumber.Should().Be("PCH-2013-00456");
        applied.Operator.Should().Be("night");
        applied.CaseNumber.Should().BeNull("the folder's case is a hint weighed by the matcher, not a fixed case");
    }

    [Fact]
    public void Case_numbers_are_read_in_canonical_form()
    {
        FolderNamePattern.Parse(@"^(?<case>apa[ _]\d{4}[ _]\d{5})/").Read("apa_2012_00417/x.tif")!.CaseNumber.Should().Be("APA-2012-00417");
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("^(?<case>APA-\\d{4}", "not a valid .NET regular expression")]
    [InlineData("^(?<dossier>APA-\\d{4}-\\d{5})/", "unknown group name(s) 'dossier'")]
    [InlineData("^(?<case>APA-\\d+) (?<nom>\\w+)/", "unknown group name(s) 'nom'")]
    [InlineData("^APA-\\d{4}-\\d{5}/", "no named group")]
    [InlineData("^(?<first>\\w+)/", "without a last name")]
    public void Bad_patterns_are_refused_with_a_clear_reason(string pattern, string reason)
    {
        var parse = () => FolderNamePattern.Parse(pattern);

        parse.Should().Throw<FolderNamePatternException>().Which.Message.Should().Contain(reason);
    }

    [Fact]
    public void A_pathological_pattern_times_out_to_no_hint_instead_of_hanging()
    {
        var pattern = FolderNamePattern.Parse(@"^(?<last>(a+)+)b");

        pattern.Read(new string('a', 40) + "c").Should().BeNull();
    }
}
