using System.Runtime.InteropServices;
using CaptureChain.Capture.Interop;
using CaptureChain.Capture.Scanners;
using static CaptureChain.Capture.Interop.TwainDsm;

namespace CaptureChain.Capture.Tests.Scanners;

/// <summary>The scripted DSM is process-wide (one unmanaged entry point): these tests run one at a time.</summary>
[CollectionDefinition("twain", DisableParallelization = true)]
public sealed class TwainCollection;

[Collection("twain")]
public sealed class TwainScannerTests
{
    private const string Device = "twain:Fixture Sheetfed 200";

    private sealed class Rig : IAsyncDisposable
    {
        public Rig(TwainScript script)
        {
            Dsm = new ScriptedDsm(script);
            Driver = new TwainDriver(ScriptedDsm.EntryAddress, new TwainOptions(TransferReadyTimeout: TimeSpan.FromSeconds(10)));
        }

        public ScriptedDsm Dsm { get; }
        public TwainDriver Driver { get; }

        public async Task<(List<ScannedPage> Pages, ScanSession Session, TwainScanner Scanner)> Scan(ScanSettings settings, Action<ScannedPage, CancellationTokenSource>? onPage = null)
        {
            var scanner = (TwainScanner)await Driver.OpenAsync(Device, CancellationToken.None);
            var (pages, session) = await ScanSessions.CollectAsync(scanner, settings, onPage);
            return (pages, session, scanner);
        }

        public ValueTask DisposeAsync()
        {
            Driver.Dispose();
            Dsm.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private static void ShouldBeClean(Rig rig)
    {
        rig.Dsm.Violations.Should().BeEmpty("every triplet came in sequence, from the TWAIN thread");
    }

    [Fact]
    public void Structures_have_the_twain_h_sizes_packed_on_two_bytes()
    {
        Marshal.SizeOf<TwIdentity>().Should().Be(156);
        Marshal.SizeOf<TwVersion>().Should().Be(42);
        Marshal.SizeOf<TwImageMemXfer>().Should().Be(IntPtr.Size == 8 ? 42 : 38);
        Marshal.SizeOf<TwMemory>().Should().Be(IntPtr.Size == 8 ? 16 : 12);
        Marshal.SizeOf<TwUserInterface>().Should().Be(4 + IntPtr.Size);
        Marshal.SizeOf<TwPendingXfers>().Should().Be(6);
        Marshal.SizeOf<TwCapability>().Should().Be(4 + IntPtr.Size);
        Marshal.SizeOf<TwOneValue>().Should().Be(6);
        Marshal.SizeOf<TwImageInfo>().Should().Be(42);
        Marshal.SizeOf<TwSetupMemXfer>().Should().Be(12);
        Marshal.SizeOf<TwStatus>().Should().Be(4);
        Marshal.SizeOf<TwEnumerationHeader>().Should().Be(14);
        Marshal.SizeOf<TwRange>().Should().Be(22);
        Marshal.SizeOf<TwCallback>().Should().Be(IntPtr.Size + 6);
        Marshal.SizeOf<TwEntryPoint>().Should().Be(4 + 5 * IntPtr.Size);
        // Packing on 2 bytes puts the pointer right after the six 32-bit fields, not on an 8-byte boundary.
        Marshal.OffsetOf<TwImageMemXfer>(nameof(TwImageMemXfer.Memory)).ToInt32().Should().Be(26);
        Marshal.OffsetOf<TwIdentity>(nameof(TwIdentity.SupportedGroups)).ToInt32().Should().Be(50);
        Marshal.OffsetOf<TwIdentity>(nameof(TwIdentity.ProductName)).ToInt32().Should().Be(122);
        Marshal.OffsetOf<TwOneValue>(nameof(TwOneValue.Item)).ToInt32().Should().Be(2);
        TwFix32.Unpack(TwFix32.From(150.5).Packed).Value.Should().Be(150.5);
    }

    [Fact]
    public void State_machine_walks_the_seven_states_and_refuses_illegal_triplets()
    {
        var m = new TwainStateMachine();
        var enableTooEarly = () => m.Check(TwainTriplet.EnableSource);
        enableTooEarly.Should().Throw<TwainSequenceException>().Which.State.Should().Be(TwainState.PreSession);
        m.LibraryLoaded();
        m.After(TwainTriplet.OpenDsm, TWRC_SUCCESS);
        m.After(TwainTriplet.OpenSource, TWRC_FAILURE);
        m.State.Should().Be(TwainState.DsmOpen, "a failed MSG_OPENDS leaves the DSM open, no source");
        m.After(TwainTriplet.OpenSource, TWRC_SUCCESS);
        m.After(TwainTriplet.SetCapability, TWRC_SUCCESS);
        m.After(TwainTriplet.EnableSource, TWRC_SUCCESS);
        var setWhileEnabled = () => m.Check(TwainTriplet.SetCapability);
        setWhileEnabled.Should().Throw<TwainSequenceException>().Which.State.Should().Be(TwainState.SourceEnabled);
        var transferBeforeReady = () => m.Check(TwainTriplet.MemoryTransfer);
        transferBeforeReady.Should().Throw<TwainSequenceException>();
        m.TransferReady();
        m.After(TwainTriplet.SetupMemoryTransfer, TWRC_SUCCESS);
        m.After(TwainTriplet.MemoryTransfer, TWRC_SUCCESS);
        m.State.Should().Be(TwainState.Transferring);
        m.After(TwainTriplet.MemoryTransfer, TWRC_XFERDONE);
        var resetMidTransfer = () => m.Check(TwainTriplet.ResetTransfers);
        resetMidTransfer.Should().Throw<TwainSequenceException>("MSG_RESET is for state 6; state 7 must end its transfer first");
        m.After(TwainTriplet.EndTransfer, TWRC_SUCCESS, pending: 2);
        m.State.Should().Be(TwainState.TransferReady);
        m.After(TwainTriplet.MemoryTransfer, TWRC_CANCEL);
        m.State.Should().Be(TwainState.Transferring, "a cancelled transfer still has to be ended");
        m.After(TwainTriplet.EndTransfer, TWRC_SUCCESS, pending: 0);
        m.State.Should().Be(TwainState.SourceEnabled);
        var closeWhileEnabled = () => m.Check(TwainTriplet.CloseSource);
        closeWhileEnabled.Should().Throw<TwainSequenceException>();
        m.After(TwainTriplet.DisableSource, TWRC_SUCCESS);
        m.After(TwainTriplet.CloseSource, TWRC_SUCCESS);
        m.After(TwainTriplet.CloseDsm, TWRC_SUCCESS);
        m.LibraryUnloaded();
        m.History.Select(h => (int)h.To).Should().Equal(2, 3, 4, 5, 6, 7, 6, 7, 5, 4, 3, 2, 1);
    }

    [Fact]
    public async Task Without_a_dsm_nothing_is_listed_and_opening_fails_plainly()
    {
        using var driver = new TwainDriver(new TwainOptions(LibraryPath: "/nonexistent/libtwaindsm.so"));
        driver.IsAvailable.Should().BeFalse();
        (await driver.ListDevicesAsync(CancellationToken.None)).Should().BeEmpty();
        var open = () => driver.OpenAsync(Device, CancellationToken.None);
        (await open.Should().ThrowAsync<ScannerUnavailableException>()).Which.Message.Should().Contain("no TWAIN DSM");
    }

    [Fact]
    public async Task Lists_sources_and_reads_capabilities_through_the_dsm()
    {
        await using var rig = new Rig(new TwainScript { Duplex = true });
        var devices = await rig.Driver.ListDevicesAsync(CancellationToken.None);
        devices.Should().Equal(new ScannerDevice(Device, "Fixture Imaging", "Fixture Sheetfed 200", "TWAIN Sheetfed"));
        await using var scanner = await rig.Driver.OpenAsync(Device, CancellationToken.None);
        var caps = await scanner.GetCapabilitiesAsync(CancellationToken.None);
        caps.Sources.Should().Equal(ScanSource.Flatbed, ScanSource.Adf);
        caps.Duplex.Should().BeTrue();
        caps.Modes.Should().BeEquivalentTo([ColourMode.Colour, ColourMode.Grey, ColourMode.Bitonal]);
        caps.Resolutions.Discrete.Should().Equal(75, 100, 150, 200, 300);
        var other = () => rig.Driver.OpenAsync("twain:Nobody", CancellationToken.None);
        await other.Should().ThrowAsync<ScannerUnavailableException>();
        ShouldBeClean(rig);
        ScriptedDsm.LiveAllocations.Should().Be(0, "every capability container was freed");
    }

    [Fact]
    public async Task Feeder_batch_arrives_in_memory_strips_in_order()
    {
        await using var rig = new Rig(new TwainScript { Sheets = 4 });
        var (pages, session, scanner) = await rig.Scan(new ScanSettings(ScanSource.Adf, false, 75, ColourMode.Grey));
        try
        {
            pages.Select(p => PageMarks.Read(p.Image)).Should().Equal([1, 2, 3, 4], $"the batch ended with {session.End}");
            pages.Should().OnlyContain(p => p.Image.Depth == 8 && p.Image.Dpi == 75 && p.Image.Width == (int)Math.Round(210 / 25.4 * 75));
            session.End.Should().Be(new ScanEnd(ScanEndReason.Completed, "no more images after 4 page(s)", 4));
            rig.Dsm.Log.Count(l => l.StartsWith("IMAGEMEMXFER page 1 strip")).Should().BeGreaterThan(5, "pages come in several strips");
            rig.Dsm.CapsSet.Should().Contain(new Dictionary<ushort, uint>
            {
                [CAP_FEEDERENABLED] = 1, [CAP_DUPLEXENABLED] = 0, [ICAP_XFERMECH] = TWSX_MEMORY, [ICAP_PIXELTYPE] = TWPT_GRAY,
                [ICAP_XRESOLUTION] = TwFix32.From(75).Packed, [ICAP_YRESOLUTION] = TwFix32.From(75).Packed, [CAP_XFERCOUNT] = 0xFFFF,
            });
            // 4 → 5 (enable) → 6 (XFERREADY) → 7 … per page … → 5 (last ENDXFER) → 4 (disable).
            var states = scanner.StateMachine.History.Select(h => (int)h.To).SkipWhile(s => s != 5).ToList();
            states.Should().Equal(5, 6, 7, 6, 7, 6, 7, 6, 7, 5, 4);
            scanner.StateMachine.State.Should().Be(TwainState.SourceOpen);
            ShouldBeClean(rig);
        }
        finally { pages.ForEach(p => p.Image.Dispose()); }
    }

    [Theory]
    [InlineData(ColourMode.Bitonal, TWPT_BW, 1)]
    [InlineData(ColourMode.Colour, TWPT_RGB, 32)]
    public async Task Pixel_types_are_assembled_with_their_depth(ColourMode mode, ushort pixelType, int depth)
    {
        // Bitonal comes with TWPF_CHOCOLATE (0 = black): read back correctly only if it is inverted to 1 = black.
        await using var rig = new Rig(new TwainScript { Sheets = 2 });
        var (pages, session, _) = await rig.Scan(new ScanSettings(ScanSource.Adf, false, 100, mode));
        pages.Select(p => PageMarks.Read(p.Image)).Should().Equal(1, 2);
        pages.Should().OnlyContain(p => p.Image.Depth == depth && p.Image.Dpi == 100);
        pages.ForEach(p => p.Image.Dispose());
        session.End!.Reason.Should().Be(ScanEndReason.Completed);
        rig.Dsm.CapsSet[ICAP_PIXELTYPE].Should().Be(pixelType);
        ShouldBeClean(rig);
    }

    [Fact]
    public async Task Flatbed_gives_one_page_with_the_feeder_off()
    {
        await using var rig = new Rig(new TwainScript { Sheets = 5 });
        var (pages, session, _) = await rig.Scan(new ScanSettings(ScanSource.Flatbed, false, 75, ColourMode.Grey));
        pages.Should().ContainSingle();
        PageMarks.Read(pages[0].Image).Should().Be(1);
        pages[0].Image.Dispose();
        session.End!.Reason.Should().Be(ScanEndReason.Completed);
        rig.Dsm.CapsSet[CAP_FEEDERENABLED].Should().Be(0);
        ShouldBeClean(rig);
    }

    [Fact]
    public async Task A_paper_jam_after_two_pages_keeps_them_and_ends_jammed()
    {
        await using var rig = new Rig(new TwainScript { Sheets = 5, JamAtPage = 3 });
        var (pages, session, scanner) = await rig.Scan(new ScanSettings(ScanSource.Adf, false, 75, ColourMode.Grey));
        pages.Select(p => PageMarks.Read(p.Image)).Should().Equal(1, 2);
        pages.ForEach(p => p.Image.Dispose());
        session.End.Should().Be(new ScanEnd(ScanEndReason.Jammed, $"page 3: paper jam (condition {TWCC_PAPERJAM})", 2));
        // The jammed image is ended, the rest reset, the source disabled: back in state 4, ready for the next batch.
        rig.Dsm.Log.Should().ContainInOrder("IMAGEMEMXFER page 3 -> FAILURE 20", "ENDXFER -> 2", "RESET", "DISABLEDS");
        scanner.StateMachine.State.Should().Be(TwainState.SourceOpen);
        ShouldBeClean(rig);
    }

    [Fact]
    public async Task A_cancel_on_the_device_ends_the_batch_cancelled_with_the_pages_before()
    {
        await using var rig = new Rig(new TwainScript { Sheets = 5, CancelAtPage = 3 });
        var (pages, session, scanner) = await rig.Scan(new ScanSettings(ScanSource.Adf, false, 75, ColourMode.Grey));
        pages.Select(p => PageMarks.Read(p.Image)).Should().Equal(1, 2);
        pages.ForEach(p => p.Image.Dispose());
        session.End.Should().Be(new ScanEnd(ScanEndReason.Cancelled, "cancelled on the device during page 3", 2));
        rig.Dsm.Log.Should().ContainInOrder("IMAGEMEMXFER page 3 -> CANCEL", "ENDXFER -> 2", "RESET", "DISABLEDS");
        scanner.StateMachine.History.Select(h => (int)h.To).TakeLast(4).Should().Equal(7, 6, 5, 4);
        ShouldBeClean(rig);
    }

    [Fact]
    public async Task Cancelling_from_the_application_after_two_pages_resets_the_source()
    {
        await using var rig = new Rig(new TwainScript { Sheets = 6 });
        var (pages, session, scanner) = await rig.Scan(new ScanSettings(ScanSource.Adf, false, 75, ColourMode.Grey),
            (page, cts) => { if (page.Sequence == 2) cts.Cancel(); });
        pages.Select(p => PageMarks.Read(p.Image)).Should().Equal(1, 2);
        pages.ForEach(p => p.Image.Dispose());
        session.End!.Reason.Should().Be(ScanEndReason.Cancelled);
        session.End.PagesDelivered.Should().Be(2);
        rig.Dsm.Log.Should().Contain("RESET").And.Contain("DISABLEDS");
        scanner.StateMachine.State.Should().Be(TwainState.SourceOpen);

        // The source takes the next batch.
        var again = scanner.Scan(new ScanSettings(ScanSource.Flatbed, false, 75, ColourMode.Grey));
        await foreach (var page in again) page.Image.Dispose();
        again.End!.Reason.Should().Be(ScanEndReason.Completed);
        ShouldBeClean(rig);
    }

    [Fact]
    public async Task An_empty_feeder_is_seen_before_enabling()
    {
        await using var rig = new Rig(new TwainScript { Sheets = 0 });
        var (pages, session, _) = await rig.Scan(new ScanSettings(ScanSource.Adf, false, 75, ColourMode.Grey));
        pages.Should().BeEmpty();
        session.End.Should().Be(new ScanEnd(ScanEndReason.NoDocuments, "feeder empty (CAP_FEEDERLOADED)", 0));
        rig.Dsm.Log.Should().NotContain("ENABLEDS");
        ShouldBeClean(rig);
    }

    [Fact]
    public async Task An_empty_feeder_reported_by_enable_ends_with_no_documents()
    {
        await using var rig = new Rig(new TwainScript { Sheets = 0, ReportsFeederLoaded = false, EnableFailsWith = TWCC_NOMEDIA });
        var (pages, session, scanner) = await rig.Scan(new ScanSettings(ScanSource.Adf, false, 75, ColourMode.Grey));
        pages.Should().BeEmpty();
        session.End.Should().Be(new ScanEnd(ScanEndReason.NoDocuments, "MSG_ENABLEDS: feeder empty", 0));
        scanner.StateMachine.State.Should().Be(TwainState.SourceOpen);
        ShouldBeClean(rig);
    }

    [Fact]
    public async Task A_source_that_asks_to_close_instead_of_transferring_ends_cancelled()
    {
        await using var rig = new Rig(new TwainScript { RequestsClose = true });
        var (pages, session, scanner) = await rig.Scan(new ScanSettings(ScanSource.Adf, false, 75, ColourMode.Grey));
        pages.Should().BeEmpty();
        session.End.Should().Be(new ScanEnd(ScanEndReason.Cancelled, "the source asked to close (cancelled on the device)", 0));
        rig.Dsm.Log.Should().ContainInOrder("ENABLEDS", "DISABLEDS");
        scanner.StateMachine.State.Should().Be(TwainState.SourceOpen);
        ShouldBeClean(rig);
    }

    [Fact]
    public async Task Images_of_unknown_length_are_assembled_from_their_strips()
    {
        await using var rig = new Rig(new TwainScript { Sheets = 1, UnknownLength = true, StripBytes = 20_000, RowPadding = 12 });
        var (pages, _, _) = await rig.Scan(new ScanSettings(ScanSource.Adf, false, 75, ColourMode.Grey));
        using var image = pages.Single().Image;
        image.Height.Should().Be((int)Math.Round(297 / 25.4 * 75));
        PageMarks.Read(image).Should().Be(1);
        ShouldBeClean(rig);
    }

    [Theory]
    [InlineData(ScanSource.Adf, true, 75, "CAP_DUPLEXENABLED refused (rc 1, condition 10)")]
    [InlineData(ScanSource.Adf, false, 123, "ICAP_XRESOLUTION refused (rc 1, condition 10)")]
    [InlineData(ScanSource.Flatbed, true, 75, "duplex needs the document feeder")]
    public async Task Settings_the_source_refuses_end_unsupported_before_enabling(ScanSource source, bool duplex, int dpi, string why)
    {
        await using var rig = new Rig(new TwainScript());
        var (pages, session, _) = await rig.Scan(new ScanSettings(source, duplex, dpi, ColourMode.Grey));
        pages.Should().BeEmpty();
        session.End.Should().Be(new ScanEnd(ScanEndReason.UnsupportedSettings, why, 0));
        rig.Dsm.Log.Should().NotContain("ENABLEDS");
        ShouldBeClean(rig);
    }

    [Fact]
    public async Task Disposing_the_driver_walks_back_to_state_one()
    {
        var rig = new Rig(new TwainScript { Sheets = 1 });
        var (pages, _, _) = await rig.Scan(new ScanSettings(ScanSource.Adf, false, 75, ColourMode.Grey));
        pages.ForEach(p => p.Image.Dispose());
        var machine = rig.Driver.StateMachine!;
        await rig.DisposeAsync();
        machine.State.Should().Be(TwainState.PreSession);
        machine.History.Select(h => (int)h.To).TakeLast(3).Should().Equal(3, 2, 1);
        rig.Dsm.Log.Should().EndWith(["CLOSEDS", "CLOSEDSM"]);
        rig.Dsm.Violations.Should().BeEmpty();
    }
}
