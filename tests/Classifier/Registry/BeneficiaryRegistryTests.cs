using System.Text;
using CaptureChain.Classifier.Identifiers;
using CaptureChain.Classifier.Names;
using CaptureChain.Classifier.Registry;

namespace CaptureChain.Classifier.Tests.Registry;

public sealed class BeneficiaryRegistryTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cc-registry-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string content, Encoding? encoding = null)
    {
        var path = Path.Combine(_directory, $"registry-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, content, encoding ?? new UTF8Encoding(false));
        return path;
    }

    private static readonly string Nir1 = Nir.FromBody("2420533063042").Value;
    private static readonly string Nir2 = Nir.FromBody("2500133063017").Value;

    [Fact]
    public void Loads_columns_in_any_order_ignoring_extra_columns_and_quotes()
    {
        var csv =
            "city;postcode;address;prestation;case_number;birth_date;first_name;last_name;caf_number;nir;beneficiary_id;agent\n" +
            $"Bordeaux;33000;\"EHPAD Les Tilleuls; 12 rue des Lilas\";APA;APA-2024-00123;1942-05-03;Marie-Thérèse;DUPONT;1234567;{Nir1};B100001;J. Martin\n" +
            "Pessac;33600;5 avenue Thiers;PCH;PCH-2023-00456;1950-01-15;Marie;DUPONT;;;B100002;\n";
        var (registry, problems) = BeneficiaryRegistry.Load(Write(csv));

        problems.Should().BeEmpty();
        registry.Count.Should().Be(2);
        var first = registry.All[0];
        first.Should().Be(new Beneficiary("B100001", Nir.TryParse(Nir1, out var n) ? n : null, "1234567", "DUPONT", "Marie-Thérèse",
            new DateOnly(1942, 5, 3), "APA-2024-00123", "APA", "EHPAD Les Tilleuls; 12 rue des Lilas", "33000", "Bordeaux"));
        registry.All[1].Nir.Should().BeNull();
        registry.All[1].CafNumber.Should().BeNull();
        registry.CasePrefixes.Should().Equal("APA", "PCH");
    }

    [Fact]
    public void Reads_a_utf8_file_with_a_byte_order_mark_and_crlf_line_ends()
    {
        var csv = "beneficiary_id;nir;caf_number;last_name;first_name;birth_date;case_number;prestation;address;postcode;city\r\n" +
                  "B1;;;LEFÈVRE;Hélène;1938-12-25;ASH-2020-00001;ASH;3 place Gambetta;33000;Bordeaux\r\n";
        var (registry, problems) = BeneficiaryRegistry.Load(Write(csv, new UTF8Encoding(true)));

        problems.Should().BeEmpty();
        registry.All.Single().LastName.Should().Be("LEFÈVRE");
        registry.ByCaseNumber("ash-2020-00001").Should().ContainSingle();
    }

    [Fact]
    public void Reports_bad_values_per_line_and_keeps_the_rest_of_the_line()
    {
        var badKey = Nir1[..13] + (Nir1[13..] == "00" ? "01" : "00");
        var csv = "beneficiary_id;nir;caf_number;last_name;first_name;birth_date;case_number;prestation;address;postcode;city\n" +
                  $"B1;{badKey};123;DUPONT;Marie;1942-13-03;APA-2024-00123;APA;12 rue des Lilas;3300;Bordeaux\n" +
                  "B2;12345;;MARTIN;Paul;03/05/1960;APA-2022-00777;APA;1 rue X;33000;Bordeaux\n";
        var (registry, problems) = BeneficiaryRegistry.Load(Write(csv));

        registry.Count.Should().Be(2);
        registry.All[0].Nir.Should().BeNull();
        registry.All[0].CafNumber.Should().BeNull();
        registry.All[0].BirthDate.Should().BeNull();
        problems.Select(p => (p.LineNumber, p.Code)).Should().BeEquivalentTo(new[]
        {
            (2, "bad_nir_key"), (2, "bad_caf_number"), (2, "bad_birth_date"), (2, "bad_postcode"),
            (3, "malformed_nir"), (3, "bad_birth_date"),
        });
        problems.Should().OnlyContain(p => !p.LineSkipped);
        // Problems go to logs and the CLI: the bad NIR and birth date themselves are not repeated there.
        string.Join("\n", problems.Select(p => p.Message)).Should().NotContain(badKey).And.NotContain("03/05/1960");
    }

    [Fact]
    public void Skips_lines_that_identify_nobody_and_duplicate_lines()
    {
        var csv = "beneficiary_id;nir;caf_number;last_name;first_name;birth_date;case_number;prestation;address;postcode;city\n" +
                  "B1;;;DUPONT;Marie;1942-05-03;APA-2024-00123;APA;;;\n" +
                  ";;;DURAND;Paul;1942-05-03;APA-2024-00124;APA;;;\n" +
                  "B1;;;DUPONT;Marie;1942-05-03;APA-2024-00123;APA;;;\n" +
                  "B3;;;FAURE;Jeanne\n" +
                  "\n" +
                  "B1;;;DUPONT;Marie;1942-05-03;ASH-2025-00009;ASH;;;\n";
        var (registry, problems) = BeneficiaryRegistry.Load(Write(csv));

        registry.All.Select(b => b.CaseNumber).Should().Equal("APA-2024-00123", "ASH-2025-00009");
        problems.Select(p => (p.LineNumber, p.Code, p.LineSkipped)).Should().Equal(
            (3, "missing_value", true), (4, "duplicate_line", true), (5, "wrong_column_count", true));
    }

    [Fact]
    public void Reports_a_nir_or_case_number_shared_by_two_beneficiaries()
    {
        var csv = "beneficiary_id;nir;caf_number;last_name;first_name;birth_date;case_number;prestation;address;postcode;city\n" +
                  $"B1;{Nir1};;DUPONT;Marie;1942-05-03;APA-2024-00123;APA;;;\n" +
                  $"B2;{Nir1};;DURAND;Paul;1942-05-03;APA-2024-00123;APA;;;\n";
        var (registry, problems) = BeneficiaryRegistry.Load(Write(csv));

        problems.Select(p => p.Code).Should().Equal("duplicate_nir", "duplicate_case_number");
        Nir.TryParse(Nir1, out var nir);
        registry.ByNir(nir).Should().HaveCount(2);
    }

    [Fact]
    public void A_missing_column_is_a_whole_file_error_naming_it()
    {
        var csv = "beneficiary_id;nir;last_name;first_name;birth_date;case_number;prestation;address;postcode;city\nB1;;DUPONT;Marie;1942-05-03;APA-1;APA;;;\n";

        var act = () => BeneficiaryRegistry.Load(Write(csv));

        act.Should().Throw<RegistryFormatException>().WithMessage("*missing required column(s): caf_number*");
    }

    [Fact]
    public void A_comma_separated_file_gets_a_hint()
    {
        var csv = "beneficiary_id,nir,caf_number,last_name,first_name,birth_date,case_number,prestation,address,postcode,city\n";

        var act = () => BeneficiaryRegistry.Load(Write(csv));

        act.Should().Throw<RegistryFormatException>().WithMessage("*comma-separated*';'*");
    }

    [Fact]
    public void A_latin1_file_is_refused_with_a_clear_message()
    {
        var csv = "beneficiary_id;nir;caf_number;last_name;first_name;birth_date;case_number;prestation;address;postcode;city\n" +
                  "B1;;;LEFÈVRE;Hélène;1938-12-25;ASH-2020-00001;ASH;;;\n";

        var act = () => BeneficiaryRegistry.Load(Write(csv, Encoding.Latin1));

        act.Should().Throw<RegistryFormatException>().WithMessage("*not valid UTF-8*");
    }

    [Fact]
    public void An_empty_file_or_a_missing_file_is_refused()
    {
        ((Action)(() => BeneficiaryRegistry.Load(Write("")))).Should().Throw<RegistryFormatException>().WithMessage("*empty*");
        ((Action)(() => BeneficiaryRegistry.Load(Path.Combine(_directory, "none.csv")))).Should().Throw<RegistryFormatException>().WithMessage("*does not exist*");
    }

    [Fact]
    public void Looks_up_by_name_with_typos_and_returns_homonyms_together()
    {
        var registry = BeneficiaryRegistry.FromBeneficiaries(
        [
            new("B1", null, null, "DUPONT", "Marie", new DateOnly(1942, 5, 3), "APA-1", "APA", "", "33000", ""),
            new("B2", null, null, "Dupont", "Marie", new DateOnly(1950, 1, 15), "PCH-2", "PCH", "", "33600", ""),
            new("B3", null, null, "DE LA FONTAINE", "Jean", new DateOnly(1930, 1, 1), "APA-3", "APA", "", "33000", ""),
            new("B4", null, null, "DUPUIS", "Marie", new DateOnly(1940, 1, 1), "APA-4", "APA", "", "33000", ""),
        ]);

        registry.ByName(new PersonName("DUPNOT", "Marie")).Select(b => b.BeneficiaryId).Should().BeEquivalentTo(["B1", "B2"]);
        registry.ByName(new PersonName("Fontaine", "Jean")).Select(b => b.BeneficiaryId).Should().Equal("B3");
        registry.ByName(new PersonName("Marie", "Dupont"), orderKnown: false).Select(b => b.BeneficiaryId).Should().BeEquivalentTo(["B1", "B2"]);
        registry.ByExactName("dupont", "MARIE").Should().HaveCount(2);
        registry.Homonyms().Should().ContainSingle().Which.Select(b => b.BeneficiaryId).Should().BeEquivalentTo(["B1", "B2"]);
        registry.ByBirthDate(new DateOnly(1950, 1, 15)).Single().BeneficiaryId.Should().Be("B2");
        registry.ByPostcode("33000").Should().HaveCount(3);
    }

    [Fact]
    public void Beneficiary_never_prints_personal_data()
    {
        var b = new Beneficiary("B1", null, "1234567", "DUPONT", "Marie", new DateOnly(1942, 5, 3), "APA-1", "APA", "12 rue X", "33000", "Bordeaux");

        b.ToString().Should().Be("Beneficiary B1 (APA-1)");
    }

    [Fact]
    public void Indexes_a_large_registry()
    {
        var sb = new StringBuilder("beneficiary_id;nir;caf_number;last_name;first_name;birth_date;case_number;prestation;address;postcode;city\n");
        var random = new Random(5);
        for (var i = 0; i < 20_000; i++)
        {
            var nir = Nir.FromBody($"{1 + i % 2}{random.Next(20, 99):00}{random.Next(1, 13):00}33{random.Next(1, 999):000}{i % 1000:000}").Value;
            sb.Append($"B{i};{nir};{1_000_000 + i};{Letters(i % 3000)}EAU;{Letters(i % 50)}INE;19{random.Next(20, 99)}-0{random.Next(1, 9)}-1{random.Next(0, 9)};APA-2024-{i:00000};APA;{i % 200} rue des Lilas;33{i % 100:000};Bordeaux\n");
        }
        var (registry, problems) = BeneficiaryRegistry.Load(Write(sb.ToString()));

        registry.Count.Should().Be(20_000);
        problems.Where(p => p.Code != "duplicate_nir").Should().BeEmpty();
        registry.ByCaseNumber("APA-2024-12345").Single().BeneficiaryId.Should().Be("B12345");
        registry.ByCafNumber("1012345").Single().BeneficiaryId.Should().Be("B12345");
        registry.ByName(new PersonName(Letters(2999) + "EAU", Letters(49) + "INE")).Should().NotBeEmpty();
    }

    private static string Letters(int n)
    {
        var s = "";
        do { s = (char)('A' + n % 26) + s; n /= 26; } while (n > 0);
        return s;
    }
}
