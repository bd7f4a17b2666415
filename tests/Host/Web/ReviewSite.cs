using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CaptureChain.Capture.Rendering;
using CaptureChain.Capture.Sheets;
using CaptureChain.Classifier.Identifiers;
using CaptureChain.Classifier.Registry;
using CaptureChain.Classifier.Typing;
using CaptureChain.Filing.Plan;
using CaptureChain.Filing.Store;
using CaptureChain.Host.Web;
using CaptureChain.Host.Web.Security;
using CaptureChain.Ocr.Imaging;
using CaptureChain.Pipeline;
using CaptureChain.Pipeline.Records;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CaptureChain.Host.Tests.Web;

/// <summary>The web tests share one processed batch and one running site (they run one after the other).</summary>
[CollectionDefinition(Name)]
public sealed class WebCollection : ICollectionFixture<ReviewSite>
{
    public const string Name = "web";
}

/// <summary>One registry row of the fixture, with the case folder the default plan gives it.</summary>
public sealed record Person(string Id, string LastName, string FirstName, string Sex, DateOnly BirthDate, string CaseNumber, string Prestation, string City, string Postcode)
{
    public Nir Nir => Nir.FromBody($"{(Sex == "F" ? 2 : 1)}{BirthDate.Year % 100:00}{BirthDate.Month:00}33063{Id[^3..]}");
}

/// <summary>
/// A real review desk: a small inbox of scanned pages rendered at 300 dpi (letters and forms that name people only by
/// name, homonyms, a three-page file holding two documents, two documents around a separator sheet, one document with
/// a NIR that files itself) run through the whole capture chain with real Tesseract, zbar, qpdf and SQLite, then the web
/// UI started on Kestrel at 127.0.0.1:0 over the resulting store and archive, with one user per role.
/// </summary>
public sealed class ReviewSite : IAsyncLifetime
{
    public const string Password = "Correct-Horse-Battery-42";
    public const string MetricsToken = "scrape-token-for-the-tests";

    public static readonly Person JeanneMartinA = new("B001", "MARTIN", "Jeanne", "F", new(1938, 4, 12), "APA-2024-00101", "APA", "Bordeaux", "33000");
    public static readonly Person JeanneMartinB = new("B002", "MARTIN", "Jeanne", "F", new(1945, 9, 30), "APA-2023-00457", "APA", "Mérignac", "33700");
    public static readonly Person PaulDurand = new("B003", "DURAND", "Paul", "M", new(1940, 2, 3), "APA-2022-00310", "APA", "Pessac", "33600");
    public static readonly Person LucieBernard = new("B004", "BERNARD", "Lucie", "F", new(1981, 6, 15), "PCH-2024-00077", "PCH", "Talence", "33400");
    public static readonly Person MarcPetit = new("B005", "PETIT", "Marc", "M", new(1950, 11, 20), "APA-2021-00988", "APA", "Bègles", "33130");
    public static readonly Person AnneLeroy = new("B006", "LEROY", "Anne", "F", new(1936, 1, 25), "APA-2020-00042", "APA", "Cenon", "33150");
    public static readonly Person HenriMoreau = new("B007", "MOREAU", "Henri", "M", new(1942, 7, 8), "APA-2024-00555", "APA", "Lormont", "33310");
    public static readonly Person SophieGarcia = new("B008", "GARCIA", "Sophie", "F", new(1975, 3, 3), "PCH-2023-00123", "PCH", "Floirac", "33270");
    public static readonly Person LouisRoux = new("B009", "ROUX", "Louis", "M", new(1939, 12, 1), "ASH-2022-00019", "ASH", "Blanquefort", "33290");

    /// <summary>A bulk job of the service (legacy archives) whose progress the dashboard shows.</summary>
    public static readonly CaptureChain.Host.Service.Bulk.BulkJobDefinition BulkJob =
        new("archives-test", "/srv/legacy", new CaptureChain.Host.Service.Bulk.BulkWindowSchedule("0 0 20 * * ?", TimeSpan.FromHours(10)));

    public static IReadOnlyList<Person> People { get; } =
        [JeanneMartinA, JeanneMartinB, PaulDurand, LucieBernard, MarcPetit, AnneLeroy, HenriMoreau, SophieGarcia, LouisRoux];

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "cc-web-" + Guid.NewGuid().ToString("N"));
    public string Archive => Path.Combine(Root, "archive");
    public string Inbox => Path.Combine(Root, "inbox");
    public string RegistryPath => Path.Combine(Root, "registry.csv");
    public string ManifestPath => Path.Combine(Archive, "manifest.jsonl");
    public ICaptureStore Store { get; private set; } = null!;
    public BeneficiaryRegistry Registry { get; private set; } = null!;
    public BatchReport Report { get; private set; } = null!;
    public WebApplication App { get; private set; } = null!;
    public ShiftableClock Clock { get; } = new();
    public string BaseUrl { get; private set; } = "";

    private readonly Dictionary<string, WebSession> _sessions = new(StringComparer.Ordinal);
    private CaptureRun? _run;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Inbox);
        WriteRegistry();
        WriteInbox();
        // This desk's scan room puts separator sheets between documents: a file without one is one document until a
        // reviewer splits it (the split tests). Cutting such files automatically is tested in tests/Pipeline.
        var options = new CaptureOptions(Archive, RegistryPath, ShippedModel, OcrWorkers: 2)
        {
            Separation = CaptureChain.Pipeline.Stages.AutomaticSeparation.Off,
        };
        _run = await CaptureRun.OpenAsync(options);
        Report = await _run.ProcessInboxAsync(Inbox, CaptureDefaults.None, null, CancellationToken.None);
        Store = _run.Store;
        Registry = _run.Registry;
        var users = new UserDirectory(Store);
        foreach (var (name, role) in new[] { ("admin", UserRole.Admin), ("reviewer", UserRole.Reviewer), ("operator", UserRole.Operator), ("reviewer2", UserRole.Reviewer) })
            (await users.AddAsync(name, role, Password, CancellationToken.None)).Done.Should().BeTrue();

        // Wired as the service host does: the options of the open run, plus what a deployment configures.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = Root });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var run = _run;
        builder.AddCaptureWeb(CaptureWebOptions.ForRun(_run, options) with
        {
            MetricsBearerToken = MetricsToken,
            Time = Clock,
            BulkJobs = [BulkJob],
            BulkStatusFreshness = TimeSpan.Zero, // the dashboard test reads figures it has just written
            Node = "capture-01",
            // What the service does: the inbox's manifest follows the reviewers' decisions.
            DocumentsChanged = (inbox, ct) => run.WriteManifestAsync(inbox, ManifestPath, ct),
        });
        App = builder.Build();
        App.MapGet("/health", () => Results.Text("ok")); // what the service host maps, anonymous
        App.MapCaptureWeb();
        await App.StartAsync();
        BaseUrl = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async Task DisposeAsync()
    {
        foreach (var s in _sessions.Values) s.Dispose();
        if (App is not null) { await App.StopAsync(); await App.DisposeAsync(); }
        if (_run is not null) await _run.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }

    public static string ShippedModel => Path.Combine(AppContext.BaseDirectory, "models", "doctype.zip");

    /// <summary>A logged-in session of <paramref name="user"/> (one per user, shared by the tests).</summary>
    public async Task<WebSession> SessionAsync(string user)
    {
        if (!_sessions.TryGetValue(user, out var session))
            _sessions[user] = session = await WebSession.LoginAsync(BaseUrl, user, Password);
        return session;
    }

    /// <summary>The open review items of documents from <paramref name="source"/>, by first page.</summary>
    public async Task<IReadOnlyList<ReviewQueueEntry>> OpenItemsAsync(string source) =>
        (await Store.ListReviewQueueAsync(new ReviewQueueFilter()))
            .Where(e => e.Item.Key.SourceName == source).OrderBy(e => e.Item.Key.FirstPage).ToList();

    /// <summary>The case folder (relative to the archive) the default plan gives a person's document of a type.</summary>
    public static string CaseFolder(Person p, string documentType)
    {
        var row = BeneficiaryRegistry.FromBeneficiaries([ToBeneficiary(p)]).All[0];
        var placed = FilingPlan.Default.Render(new FilingContext(row.BeneficiaryId, row.CaseNumber, row.Prestation, row.LastName, row.FirstName,
            documentType, DateOnly.FromDateTime(DateTime.Now)));
        return placed.Target!.RelativeFolder;
    }

    private static Beneficiary ToBeneficiary(Person p) =>
        new(p.Id, p.Nir, null, p.LastName, p.FirstName, p.BirthDate, p.CaseNumber, p.Prestation, "1 rue des Lilas", p.Postcode, p.City);

    private void WriteRegistry()
    {
        var sb = new StringBuilder("beneficiary_id;nir;caf_number;last_name;first_name;birth_date;case_number;prestation;address;postcode;city\n");
        foreach (var p in People)
            sb.Append($"{p.Id};{p.Nir.Value};;{p.LastName};{p.FirstName};{p.BirthDate:yyyy-MM-dd};{p.CaseNumber};{p.Prestation};1 rue des Lilas;{p.Postcode};{p.City}\n");
        File.WriteAllText(RegistryPath, sb.ToString(), new UTF8Encoding(false));
    }

    // The file names say what each document is for in the tests.
    public const string LetterMartin = "hebergement_martin.png"; // homonyms, name only, unusual wording: the browser test's item
    public const string DurandFile = "durand_pieces.tif";      // 3 pages, two documents without a separator: split
    public const string BernardFile = "envoi_bernard.tif";     // letter, separator sheet, letter: merge
    public const string PetitRib = "rib_petit.png";            // name only: rotate
    public const string GarciaNote = "note_garcia.png";        // name only: reject
    public const string MoreauForm = "attestation_moreau.png"; // name only, one registry match: filed with one keystroke
    public const string RouxLetter = "courrier_roux.png";      // name only: confirmed through the API
    public const string LeroyCertificate = "certificat_leroy.png"; // NIR printed: files itself
    public const string PetitReminder = "relance_petit.png";   // name only, never decided: the access tests' item
    public const string MartinThanks = "remerciements_martin.png"; // homonyms, never decided: the item view test's item
    public const string LeroyLetter = "courrier_leroy.png";    // name only: two reviewers confirm it at the same time
    public const string DurandRent = "loyer_durand.png";       // name only: relabelled by a reviewer, then retraining learns it

    private void WriteInbox()
    {
        Png(LetterMartin, Page(
            "ATTESTATION D'HÉBERGEMENT", "",
            "Je soussignée Claire Fontaine, demeurant 4 rue des Écoles à Mérignac,",
            "certifie héberger à mon domicile depuis le 1er janvier 2025",
            "Madame Jeanne MARTIN, ma mère.", "",
            "Fait pour servir et valoir ce que de droit.", "",
            "Claire Fontaine"));
        Tiff(DurandFile,
            Page("DEMANDE D'ALLOCATION PERSONNALISÉE D'AUTONOMIE", "À domicile", "",
                "Nom : DURAND", "Prénom : Paul", "",
                "Situation familiale : veuf", "Vous vivez : seul à votre domicile",
                "Aide demandée : aide à domicile pour les actes de la vie quotidienne",
                "Besoin d'aide pour la toilette, l'habillement et les repas."),
            Page("DEMANDE D'ALLOCATION PERSONNALISÉE D'AUTONOMIE (suite)", "",
                "Ressources : pension de retraite", "Patrimoine : néant",
                "Je certifie sur l'honneur l'exactitude des renseignements.",
                "Fait à Pessac, signature du demandeur : Paul DURAND"),
            Page("RELEVÉ D'IDENTITÉ BANCAIRE", "",
                "Titulaire du compte : M DURAND Paul", "Domiciliation : Banque Populaire Pessac",
                "Code banque 10907  Code guichet 00001  Numéro de compte 12345678901  Clé 42",
                "BIC : CCBPFRPPBDX"));
        Tiff(BernardFile,
            Page("Madame Lucie BERNARD", "", "Objet : compensation du handicap", "",
                "Madame, Monsieur,", "Je sollicite le renouvellement de ma prestation de compensation.",
                "Mon état de santé n'a pas évolué depuis la dernière décision."),
            Separator(),
            Page("Suite de mon courrier du mois dernier :",
                "je joins le justificatif demandé et reste joignable par téléphone.", "", "Lucie BERNARD"));
        Png(PetitRib, Page("RELEVÉ D'IDENTITÉ BANCAIRE", "",
            "Titulaire du compte : M PETIT Marc", "Domiciliation : Caisse d'Epargne Bègles",
            "Code banque 14445  Code guichet 00400  Numéro de compte 08123456789  Clé 17", "BIC : CEPAFRPP444"));
        Png(GarciaNote, Page("Madame Sophie GARCIA", "", "Note manuscrite recopiée :", "merci de prendre contact avec moi au sujet de mon dossier."));
        Png(MoreauForm, Page("ATTESTATION DE L'AIDANT", "", "Je soussigné, Monsieur Henri MOREAU, atteste recevoir l'aide de ma fille",
            "pour les courses et le ménage, plusieurs fois par semaine."));
        Png(RouxLetter, Page("Monsieur Louis ROUX", "", "Objet : hébergement", "", "Madame, Monsieur,",
            "Je vous informe de mon entrée prochaine en établissement d'hébergement.", "", "Louis ROUX"));
        Png(MartinThanks, Page("Madame Jeanne MARTIN", "", "Madame, Monsieur,", "Je vous remercie pour la visite de l'évaluatrice la semaine dernière.",
            "", "Jeanne MARTIN"));
        Png(LeroyLetter, Page("Madame Anne LEROY", "", "Objet : changement de coordonnées", "", "Madame, Monsieur,",
            "Je vous informe de mon nouveau numéro de téléphone.", "", "Anne LEROY"));
        Png(DurandRent, Page("Monsieur Paul DURAND", "", "Objet : mon loyer", "", "Madame, Monsieur,",
            "Je vous transmets le reçu de mon loyer du mois de mars,", "payé à l'association Habitat Seniors de Pessac.", "", "Paul DURAND"));
        Png(PetitReminder, Page("Monsieur Marc PETIT", "", "Objet : relance", "", "Je n'ai pas reçu de réponse à ma demande du mois dernier.",
            "Pouvez-vous me dire où en est mon dossier ?", "", "Marc PETIT"));
        Png(LeroyCertificate, Page("CERTIFICAT MÉDICAL", "", "Je soussigné, docteur en médecine, certifie avoir examiné",
            $"Madame LEROY Anne, née le 25/01/1936, n° de sécurité sociale {Spaced(AnneLeroy.Nir.Value)}",
            "Diagnostic : troubles de la marche, perte d'autonomie pour les actes de la vie quotidienne.",
            "Certificat établi à la demande de l'intéressée pour servir et valoir ce que de droit.", "", "Dr Jean Lambert"));
    }

    private static string Spaced(string nir) => $"{nir[0]} {nir[1..3]} {nir[3..5]} {nir[5..7]} {nir[7..10]} {nir[10..13]} {nir[13..]}";

    private static PageImage Page(params string[] lines)
    {
        using var canvas = PageCanvas.Raster(300);
        canvas.Clear();
        for (var i = 0; i < lines.Length; i++) canvas.Text(22, 30 + i * 8, lines[i], i == 0 ? 13 : 11, bold: i == 0);
        return canvas.ToPageImage();
    }

    private static PageImage Separator()
    {
        using var canvas = PageCanvas.Raster(300);
        SheetPainter.Paint(canvas, new SeparatorSheet());
        return canvas.ToPageImage();
    }

    private void Png(string name, PageImage page)
    {
        using (page) page.Save(Path.Combine(Inbox, name), ImageFileFormat.Png);
    }

    private void Tiff(string name, params PageImage[] pages)
    {
        PageImage.SaveMultipageTiff(Path.Combine(Inbox, name), pages, ImageFileFormat.TiffZip);
        foreach (var p in pages) p.Dispose();
    }
}

/// <summary>The system clock, shifted on demand (session expiry tests).</summary>
public sealed class ShiftableClock : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}

/// <summary>A logged-in HTTP session: its cookies, and the antiforgery token its API writes send.</summary>
public sealed partial class WebSession : IDisposable
{
    private WebSession(HttpClient http, CookieContainer cookies) { Http = http; Cookies = cookies; }

    public HttpClient Http { get; }
    public CookieContainer Cookies { get; }
    public string CsrfToken { get; private set; } = "";

    /// <summary>A client that keeps cookies and does not follow redirects (so the tests see them).</summary>
    public static WebSession Anonymous(string baseUrl)
    {
        var cookies = new CookieContainer();
        var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, UseCookies = true, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(baseUrl),
        };
        return new WebSession(http, cookies);
    }

    public static async Task<WebSession> LoginAsync(string baseUrl, string user, string password)
    {
        var session = Anonymous(baseUrl);
        var response = await session.SubmitLoginAsync(user, password);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, $"{user} must be able to log in");
        var me = await session.Http.GetFromJsonAsync<JsonElement>("/api/session");
        session.CsrfToken = me.GetProperty("csrf_token").GetString()!;
        return session;
    }

    /// <summary>Fetches the login form (for its antiforgery field) and posts it.</summary>
    public async Task<HttpResponseMessage> SubmitLoginAsync(string user, string password, string? returnUrl = null)
    {
        var form = await Http.GetStringAsync("/login");
        var token = CsrfField().Match(form).Groups[1].Value;
        return await Http.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = user, ["password"] = password, ["__csrf"] = WebUtility.HtmlDecode(token), ["returnUrl"] = returnUrl ?? "",
        }));
    }

    /// <summary>A JSON write with the antiforgery header (or without it, to play a forged request).</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, object? body = null, bool withToken = true)
    {
        var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = JsonContent.Create(body);
        if (withToken) request.Headers.Add("X-CSRF-TOKEN", CsrfToken);
        return Http.SendAsync(request);
    }

    public async Task<JsonElement> JsonAsync(HttpMethod method, string url, object? body = null)
    {
        using var response = await SendAsync(method, url, body);
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.Should().BeTrue($"{method} {url} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("name=\"__csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();
}
