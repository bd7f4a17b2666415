using System.Runtime.CompilerServices;
using CaptureChain.Host.Service;
using CaptureChain.Pipeline.Watching;

namespace CaptureChain.Host.Tests.Service;

/// <summary>The service configuration file: paths, defaults, overrides, and mistakes refused with what to fix.</summary>
public sealed class ServiceConfigurationTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "cc-serve-config-" + Guid.NewGuid().ToString("N"));

    private ServiceFallbacks Fallbacks => new(Path.Combine(_root, "data"), Path.Combine(_root, "data", "registry.csv"), "/opt/capturechain/models/doctype.zip");

    private string Config(string json, string name = "etc/capturechain.json")
    {
        var path = Path.Combine(_root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Paths_are_relative_to_the_file_and_defaults_fill_in_the_rest()
    {
        var path = Config("""
            {
              // comments are allowed
              "archive": "../archive",
              "registry": "registry.csv",
              "inboxes": [ { "name": "accueil-nord", "path": "../scans/accueil", "caseNumber": "APA-2024-00123" } ],
            }
            """);
        var c = ServiceConfigurationFile.Resolve(path, new ServiceOverrides(), Fallbacks);

        c.Archive.Should().Be(Path.Combine(_root, "archive"));
        c.RegistryPath.Should().Be(Path.Combine(_root, "etc", "registry.csv"));
        c.ModelPath.Should().Be(Fallbacks.ShippedModel);
        c.Web.Should().Be(new WebEndpoint("localhost", 8470));
        c.ShutdownGrace.Should().Be(TimeSpan.FromSeconds(30));
        c.ConcurrentBatches.Should().Be(1);
        var inbox = c.Inboxes.Should().ContainSingle().Subject;
        inbox.Path.Should().Be(Path.Combine(_root, "scans", "accueil"));
        inbox.Should().BeEquivalentTo(new
        {
            Name = "accueil-nord",
            QuietPeriod = TimeSpan.FromSeconds(5),
            PollInterval = TimeSpan.FromSeconds(10),
            DropWindow = TimeSpan.FromSeconds(30),
            WatchEvents = true,
            CompletionMarker = (string?)null,
            MaxFilesPerBatch = 200,
            AfterProcessing = ProcessedFileHandling.Keep,
        });
        inbox.Defaults.Should().BeEquivalentTo(new { CaseNumber = "APA-2024-00123", Operator = (string?)null, Station = "accueil-nord" });
        c.ManifestPath(inbox).Should().Be(Path.Combine(_root, "archive", "manifest.jsonl"), "one inbox: the manifest of process");
        c.ToCaptureOptions().StaleTemporaryFileAge.Should().BeGreaterThan(TimeSpan.FromMinutes(10), "a peer's files in flight survive our start");
    }

    [Fact]
    public void Command_line_values_win_and_inbox_watches_one_folder_with_defaults()
    {
        var path = Config("""{ "archive": "/srv/a", "registry": "/srv/r.csv", "web": { "port": 9000 }, "inboxes": [ { "name": "x", "path": "/srv/x" } ] }""");
        var c = ServiceConfigurationFile.Resolve(path, new ServiceOverrides(Archive: "/srv/b", Bind: "127.0.0.1", Port: 0, Inbox: "/srv/scans/guichet 2/"), Fallbacks);

        c.Archive.Should().Be("/srv/b");
        c.Web.Should().Be(new WebEndpoint("127.0.0.1", 0));
        c.Inboxes.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Name = "guichet_2", Path = "/srv/scans/guichet 2" });
    }

    [Fact]
    public void Several_inboxes_get_a_manifest_each_unless_one_is_set()
    {
        var path = Config("""
            { "archive": "/srv/a", "registry": "/srv/r.csv", "inboxes": [
              { "name": "one", "path": "/srv/in/one", "completionMarker": ".ok", "afterProcessing": "delete", "watchEvents": false },
              { "name": "two", "path": "/srv/in/two", "manifest": "/srv/reports/two.jsonl", "quietSeconds": 0.5 } ] }
            """);
        var c = ServiceConfigurationFile.Resolve(path, new ServiceOverrides(), Fallbacks);

        c.ManifestPath(c.Inboxes[0]).Should().Be("/srv/a/manifests/one.jsonl");
        c.ManifestPath(c.Inboxes[1]).Should().Be("/srv/reports/two.jsonl");
        c.Inboxes[0].Should().BeEquivalentTo(new { CompletionMarker = ".ok", AfterProcessing = ProcessedFileHandling.Delete, WatchEvents = false });
        c.Inboxes[1].QuietPeriod.Should().Be(TimeSpan.FromMilliseconds(500));
    }

    [Theory]
    [InlineData("""{ "archiv": "/srv/a" }""", "unknown key \"archiv\" (line 1")]
    [InlineData("""{ "inboxes": [ { "path": "/srv/x" } ] }""", "\"name\" is required")]
    [InlineData("""{ "inboxes": [ { "name": "x" } ] }""", "inbox 'x': \"path\" is required")]
    [InlineData("""{ "inboxes": [ { "name": "x", "path": "/srv/x" }, { "name": "X", "path": "/srv/y" } ] }""", "Two inboxes are named")]
    [InlineData("""{ "archive": "/srv/a", "inboxes": [ { "name": "x", "path": "/srv/a/in" } ] }""", "must not contain one another")]
    [InlineData("""{ "inboxes": [ { "name": "x", "path": "/srv/x" }, { "name": "y", "path": "/srv/x/y" } ] }""", "must not contain one another")]
    [InlineData("""{ "inboxes": [ { "name": "x", "path": "/srv/x", "completionMarker": "done" } ] }""", "\".done\"")]
    [InlineData("""{ "inboxes": [ { "name": "x", "path": "/srv/x", "afterProcessing": "move" } ] }""", "\"keep\" or \"delete\"")]
    [InlineData("""{ "inboxes": [ { "name": "x", "path": "/srv/x", "quietSeconds": -1 } ] }""", "quietSeconds")]
    [InlineData("""{ "inboxes": [ { "name": "a/b", "path": "/srv/x" } ] }""", "letters, digits")]
    [InlineData("""{ "web": { "port": 0 } }""", "Port 0")]
    [InlineData("""{ "web": { "bind": "scan.example.org" } }""", "IP address")]
    [InlineData("""{ "ocrWorkers": 0 }""", "ocrWorkers")]
    [InlineData("""{ "inboxes": [ { "name": "x", "path": "/srv/x", """, "not valid")]
    public void Mistakes_are_refused_with_what_to_fix(string json, string expected)
    {
        var path = Config(json);
        var act = () => ServiceConfigurationFile.Resolve(path, new ServiceOverrides(Registry: "/srv/r.csv"), Fallbacks);
        act.Should().Throw<ServiceConfigurationException>().Which.Message.Should().Contain(expected);
    }

    [Fact]
    public void Without_any_registry_the_message_says_how_to_get_one()
    {
        var act = () => ServiceConfigurationFile.Resolve(null, new ServiceOverrides(Archive: "/srv/a"), Fallbacks);
        act.Should().Throw<ServiceConfigurationException>().WithMessage("*registry import*");

        Directory.CreateDirectory(Fallbacks.DataFolder);
        File.WriteAllText(Fallbacks.ImportedRegistry, "");
        File.WriteAllText(Path.Combine(Fallbacks.DataFolder, "capturechain.json"), """{ "inboxes": [ { "name": "in", "path": "/srv/in" } ] }""");
        var c = ServiceConfigurationFile.Resolve(null, new ServiceOverrides(), Fallbacks);
        c.RegistryPath.Should().Be(Fallbacks.ImportedRegistry, "the imported registry is the default");
        c.Archive.Should().Be(Path.Combine(Fallbacks.DataFolder, "archive"));
        c.Inboxes.Should().ContainSingle("the data folder's capturechain.json is read when no --config is given");
    }

    [Fact]
    public void The_shipped_example_configuration_is_valid()
    {
        var c = ServiceConfigurationFile.Resolve(Path.Combine(RepositoryRoot(), "docs", "capturechain.example.json"), new ServiceOverrides(), Fallbacks);
        c.Inboxes.Select(i => i.Name).Should().Equal("accueil-nord", "apa-guichet");
        c.Inboxes[1].CompletionMarker.Should().Be(".done");
        c.Inboxes[1].Defaults.Station.Should().Be("guichet-2");
        c.ManifestPath(c.Inboxes[0]).Should().Be("/srv/capturechain/archive/manifests/accueil-nord.jsonl");
    }

    private static string RepositoryRoot([CallerFilePath] string source = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", "..", ".."));

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
