using System.Text;
using CaptureChain.Filing.Plan;

namespace CaptureChain.Filing.Tests;

public sealed class FilingPlanTests
{
    private static readonly FilingContext Dupont =
        new("B100130", "APA-2017-85786", "APA", "Dupont", "marie", "rib", new DateOnly(2026, 5, 3));

    [Fact]
    public void Default_plan_renders_the_spec_manifest_example()
    {
        var result = FilingPlan.Default.Render(Dupont);

        result.IsPlaced.Should().BeTrue();
        result.Target!.RelativePath(1).Should().Be("APA/APA-2017-85786 DUPONT Marie/rib/2026-05-03_rib_001.pdf");
        result.Target.RelativeFolder.Should().Be("APA/APA-2017-85786 DUPONT Marie/rib");
        result.Target.FileName(12).Should().Be("2026-05-03_rib_012.pdf");
        result.Target.FileName(1234).Should().Be("2026-05-03_rib_1234.pdf");
    }

    [Fact]
    public void Accents_are_kept_and_normalised_to_composed_form()
    {
        // "Lefèvre" and "Hélène" given in decomposed form (e + combining accent), as some exports do.
        var ctx = Dupont with { LastName = "Lefe\u0300vre", FirstName = "he\u0301le\u0300ne-ANAÏS" };

        var folder = FilingPlan.Default.Render(ctx).Target!.RelativeFolder;

        folder.Should().Be("APA/APA-2017-85786 LEFÈVRE Hélène-Anaïs/rib");
        folder.IsNormalized(NormalizationForm.FormC).Should().BeTrue();
    }

    [Fact]
    public void Hostile_values_cannot_leave_their_segment()
    {
        var ctx = Dupont with { CaseNumber = "../../etc", LastName = "a/b\\c", FirstName = "x\u0007y\nz", Prestation = ".." };

        var result = FilingPlan.Default.Render(ctx);

        // A prestation of ".." is no folder name: the plan refuses rather than inventing one.
        result.IsPlaced.Should().BeFalse();
        result.ReasonCode.Should().Be(FilingReasons.FieldMissing);
        result.Detail.Should().Be("prestation");

        var target = FilingPlan.Default.Render(ctx with { Prestation = "APA" }).Target!;
        var segments = target.RelativePath(1).Split('/');
        segments.Should().HaveCount(4);
        segments.Should().NotContain(s => s == ".." || s == "." || s.Length == 0);
        segments[1].Should().Be("-..-etc A-B-C Xy Z", "leading dots go, separators become hyphens, a bell disappears");
        target.RelativePath(1).Should().NotContainAny("\u0007", "\n", "\\");
    }

    [Fact]
    public void Empty_required_value_is_a_reason_not_a_half_named_folder()
    {
        var result = FilingPlan.Default.Render(Dupont with { CaseNumber = "  " });

        result.IsPlaced.Should().BeFalse();
        result.ReasonCode.Should().Be("filing_field_missing");
        result.Detail.Should().Be("case_number");
    }

    [Fact]
    public void Windows_reserved_characters_and_names_are_neutralised()
    {
        PathSegment.Sanitize("a<b>c:d\"e|f?g*h").Should().Be("a_b_c_d_e_f_g_h");
        PathSegment.Sanitize("CON").Should().Be("_CON");
        PathSegment.Sanitize("nul.txt").Should().Be("_nul.txt");
        PathSegment.Sanitize(" .hidden. ").Should().Be("hidden");
        PathSegment.Sanitize("...").Should().BeEmpty();
        PathSegment.Sanitize(new string('é', 300)).Length.Should().Be(PathSegment.MaxBytes / 2);
    }

    [Fact]
    public void Deployment_plan_maps_types_to_nested_folders_with_retention()
    {
        var json = """
            {
              // per-type folders and retention labels
              "schema": 1,
              "path": "Aide sociale/{prestation}/{case_number} {last_name:upper}/{type_folder}/{date:yyyyMMdd}-{retention}-{seq:0000}.pdf",
              "path_by_prestation": { "ase": "ASE/{case_number}/{type_folder}/{date:yyyy}_{document_type}_{seq:00}.pdf" },
              "document_types": {
                "rib": { "folder": "Administratif/Banque", "retention": "dua_5_ans" },
                "certificat_medical": { "folder": "Médical" }
              },
              "default_retention": "dua_10_ans",
              "allow_unlisted_types": false,
            }
            """;
        var plan = FilingPlan.Parse(json, "test.json");

        plan.Render(Dupont).Target!.RelativePath(7).Should()
            .Be("Aide sociale/APA/APA-2017-85786 DUPONT/Administratif/Banque/20260503-dua_5_ans-0007.pdf");
        plan.Render(Dupont).Target!.Retention.Should().Be("dua_5_ans");
        plan.Render(Dupont with { DocumentType = "certificat_medical" }).Target!.RelativePath(1).Should()
            .Be("Aide sociale/APA/APA-2017-85786 DUPONT/Médical/20260503-dua_10_ans-0001.pdf");
        plan.Render(Dupont with { Prestation = "ASE", CaseNumber = "ASE-2020-1" }).Target!.RelativePath(3).Should()
            .Be("ASE/ASE-2020-1/Administratif/Banque/2026_rib_03.pdf");
        plan.Render(Dupont with { DocumentType = "courrier" }).ReasonCode.Should().Be(FilingReasons.TypeNotInPlan);
    }

    [Fact]
    public void Load_reads_a_file_the_deployment_edits()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("filing-plan.json");
        File.WriteAllText(path, """{ "schema": 1, "path": "{prestation}/{beneficiary_id}/{seq:000}.pdf" }""");

        var plan = FilingPlan.Load(path);

        plan.Source.Should().Be(path);
        plan.Render(Dupont).Target!.RelativePath(2).Should().Be("APA/B100130/002.pdf");
        plan.AllowUnlistedTypes.Should().BeTrue();
    }

    [Theory]
    [InlineData("{prestation}/{nom}/{seq}.pdf", "unknown placeholder {nom}")]
    [InlineData("{prestation}/{case_number}/{date}.pdf", "must contain {seq}")]
    [InlineData("{prestation}/{seq}/x_{seq}.pdf", "must be in the file name")]
    [InlineData("{prestation}/{case_number/{seq}.pdf", "has no matching '}'")]
    [InlineData("{prestation}/../{seq}.pdf", "'..' is not allowed")]
    [InlineData("/srv/{prestation}/{seq}.pdf", "must be relative")]
    [InlineData("{prestation}//{seq}.pdf", "empty folder name")]
    [InlineData("{prestation}/{seq}.txt", "must end with the literal extension .pdf")]
    [InlineData("{prestation}/{date:dd/MM/yyyy}_{seq}.pdf", "{date:dd")]
    [InlineData("{prestation}/{seq:00x}.pdf", "must be 1 to 9 zeros")]
    [InlineData("{prestation}/{last_name:shout}_{seq}.pdf", "unknown format")]
    [InlineData("_review/{prestation}/{seq}.pdf", "reserved by the archive")]
    [InlineData("{seq}.pdf", "at least one folder")]
    public void Invalid_templates_are_refused_with_a_clear_message(string template, string expected)
    {
        var json = $$"""{ "schema": 1, "path": "{{template}}" }""";

        var act = () => FilingPlan.Parse(json, "bad.json");

        act.Should().Throw<FilingPlanException>().Which.Message.Should().Contain("bad.json").And.Contain(expected);
    }

    [Fact]
    public void Unknown_properties_and_broken_json_are_refused_with_their_location()
    {
        var typo = () => FilingPlan.Parse("""{ "schema": 1, "pathh": "{prestation}/{seq}.pdf" }""", "typo.json");
        typo.Should().Throw<FilingPlanException>().Which.Message.Should().Contain("pathh");

        var broken = () => FilingPlan.Parse("{ \"schema\": 1,\n \"path\": }", "broken.json");
        broken.Should().Throw<FilingPlanException>().Which.Message.Should().Contain("line 2");

        var noSchema = () => FilingPlan.Parse("""{ "path": "{prestation}/{seq}.pdf" }""", "old.json");
        noSchema.Should().Throw<FilingPlanException>().Which.Message.Should().Contain("\"schema\" is missing");
    }

    [Fact]
    public void Nested_type_folder_needs_a_whole_segment()
    {
        var json = """
            { "schema": 1, "path": "{prestation}/{type_folder} - {case_number}/{seq}.pdf",
              "document_types": { "rib": { "folder": "A/B" } } }
            """;

        var act = () => FilingPlan.Parse(json, "nested.json");

        act.Should().Throw<FilingPlanException>().Which.Message.Should().Contain("must be a whole path segment");
    }

    [Fact]
    public void Target_reads_back_only_its_own_series()
    {
        var target = FilingPlan.Default.Render(Dupont).Target!;

        target.TryParseSeq("2026-05-03_rib_007.pdf", out var seq).Should().BeTrue();
        seq.Should().Be(7);
        target.TryParseSeq("2026-05-03_RIB_1000.PDF", out seq).Should().BeTrue();
        seq.Should().Be(1000);
        target.TryParseSeq("2026-05-03_rib_07.pdf", out _).Should().BeFalse();
        target.TryParseSeq("2026-05-04_rib_001.pdf", out _).Should().BeFalse();
        target.TryParseSeq("2026-05-03_rib_0a1.pdf", out _).Should().BeFalse();
        target.TryParseSeq(".cc-tmp-1-abc", out _).Should().BeFalse();
    }
}
