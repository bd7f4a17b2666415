using CaptureChain.Capture.Interop;

namespace CaptureChain.Capture.Scanners;

/// <summary>The seven TWAIN session states (TWAIN specification, chapter 2).</summary>
public enum TwainState
{
    /// <summary>1: nothing loaded.</summary>
    PreSession = 1,
    /// <summary>2: the DSM library is loaded.</summary>
    DsmLoaded = 2,
    /// <summary>3: the DSM is open.</summary>
    DsmOpen = 3,
    /// <summary>4: a source is open; capabilities may be negotiated.</summary>
    SourceOpen = 4,
    /// <summary>5: the source is enabled and acquiring.</summary>
    SourceEnabled = 5,
    /// <summary>6: the source has an image ready.</summary>
    TransferReady = 6,
    /// <summary>7: an image is being transferred.</summary>
    Transferring = 7,
}

/// <summary>One TWAIN operation: data group, data argument type, message.</summary>
public readonly record struct TwainTriplet(uint DataGroup, ushort DataType, ushort Message)
{
    public static readonly TwainTriplet OpenDsm = new(TwainDsm.DG_CONTROL, TwainDsm.DAT_PARENT, TwainDsm.MSG_OPENDSM);
    public static readonly TwainTriplet CloseDsm = new(TwainDsm.DG_CONTROL, TwainDsm.DAT_PARENT, TwainDsm.MSG_CLOSEDSM);
    public static readonly TwainTriplet GetEntryPoint = new(TwainDsm.DG_CONTROL, TwainDsm.DAT_ENTRYPOINT, TwainDsm.MSG_GET);
    public static readonly TwainTriplet GetFirstSource = new(TwainDsm.DG_CONTROL, TwainDsm.DAT_IDENTITY, TwainDsm.MSG_GETFIRST);
    public static readonly TwainTriplet GetNextSource = new(TwainDsm.DG_CONTROL, TwainDsm.DAT_IDENTITY, TwainDsm.MSG_GETNEXT);
    public static readonly TwainTriplet OpenSource = new(TwainDsm.DG_CONTROL, TwainDsm.DAT_IDENTITY, TwainDsm.MSG_OPENDS);
    public static readonly TwainTriplet CloseSource = new(TwainDsm.DG_CONTROL, TwainDsm.DAT_IDENTITY, TwainDsm.MSG_CLOSEDS);
    public static readonly TwainTriplet RegisterCallback = new(TwainDsm.DG_CONTROL, TwainDsm.DAT_CALLBACK, TwainDsm.MSG_REGISTER_CALLBACK);
    public static readonly TwainTriplet GetCapability = new(TwainDsm.DG_CONTROL, TwainDsm.DAT_CAPABILITY, TwainDsm.MSG_GET);
    public static readonly TwainTriplet GetCapabilityCurrent = new(TwainDsm.DG_CONTROL, TwainDsm.DAT_CAPABILITY, TwainDsm.MSG_GETCURRENT);
    public static readonly TwainTriplet SetCapability = new(TwainDsm.DG_CONTROL, TwainDsm.DAT_CAPABILITY, TwainDsm.MSG_SET);
    public static readonly TwainTriplet EnableSource = new(TwainDsm.DG_CONTROL, TwainDsm.DAT_USERINTERFACE, TwainDsm.MSG_ENABLEDS);
    public static readonly TwainTriplet DisableSource = new(TwainDsm.DG_CONTROL, TwainDsm.DAT_USERINTERFACE, TwainDsm.MSG_DISABLEDS);
    public static readonly TwainTriplet GetStatus = new(TwainDsm.DG_CONTROL, TwainDsm.DAT_STATUS, TwainDsm.MSG_GET);
    public static readonly TwainTriplet GetImageInfo = new(TwainDsm.DG_IMAGE, TwainDsm.DAT_IMAGEINFO, TwainDsm.MSG_GET);
    public static readonly TwainTriplet SetupMemoryTransfer = new(TwainDsm.DG_CONTROL, TwainDsm.DAT_SETUPMEMXFER, TwainDsm.MSG_GET);
    public static readonly TwainTriplet MemoryTransfer = new(TwainDsm.DG_IMAGE, TwainDsm.DAT_IMAGEMEMXFER, TwainDsm.MSG_GET);
    public static readonly TwainTriplet NativeTransfer = new(TwainDsm.DG_IMAGE, TwainDsm.DAT_IMAGENATIVEXFER, TwainDsm.MSG_GET);
    public static readonly TwainTriplet EndTransfer = new(TwainDsm.DG_CONTROL, TwainDsm.DAT_PENDINGXFERS, TwainDsm.MSG_ENDXFER);
    public static readonly TwainTriplet ResetTransfers = new(TwainDsm.DG_CONTROL, TwainDsm.DAT_PENDINGXFERS, TwainDsm.MSG_RESET);

    public override string ToString() => $"{(DataGroup == TwainDsm.DG_IMAGE ? "IMAGE" : "CONTROL")}/0x{DataType:X}/0x{Message:X}";
}

/// <summary>A triplet sent in a state where TWAIN does not allow it: a bug in the caller, never a device outcome.</summary>
public sealed class TwainSequenceException(TwainState state, string what)
    : InvalidOperationException($"TWAIN: {what} is not allowed in state {(int)state} ({state})")
{
    public TwainState State { get; } = state;
}

/// <summary>
/// The TWAIN session state machine, pure: it knows which triplets each state allows and where each result leads, and
/// refuses anything else before it reaches the DSM. Every transition is recorded in <see cref="History"/>.
/// </summary>
public sealed class TwainStateMachine
{
    private readonly List<(TwainState From, TwainState To, string Why)> _history = [];

    /// <summary>The current state.</summary>
    public TwainState State { get; private set; } = TwainState.PreSession;

    /// <summary>Every state change so far, with what caused it.</summary>
    public IReadOnlyList<(TwainState From, TwainState To, string Why)> History => _history;

    /// <summary>1 → 2: the DSM library was loaded.</summary>
    public void LibraryLoaded() => Move(TwainState.PreSession, TwainState.DsmLoaded, "load DSM");

    /// <summary>2 → 1: the DSM library was unloaded.</summary>
    public void LibraryUnloaded() => Move(TwainState.DsmLoaded, TwainState.PreSession, "unload DSM");

    /// <summary>5 → 6: the source said MSG_XFERREADY.</summary>
    public void TransferReady() => Move(TwainState.SourceEnabled, TwainState.TransferReady, "MSG_XFERREADY");

    /// <summary>Throws unless <paramref name="triplet"/> may be sent now.</summary>
    public void Check(TwainTriplet triplet)
    {
        if (!Allowed(State, triplet)) throw new TwainSequenceException(State, triplet.ToString());
    }

    /// <summary>Moves on after <paramref name="triplet"/> returned <paramref name="rc"/>; <paramref name="pending"/> is the
    /// count MSG_ENDXFER reported (0: no more images).</summary>
    public void After(TwainTriplet triplet, ushort rc, int pending = -1)
    {
        Check(triplet);
        var success = rc is TwainDsm.TWRC_SUCCESS or TwainDsm.TWRC_XFERDONE or TwainDsm.TWRC_CHECKSTATUS;
        var next = State;
        if (triplet == TwainTriplet.OpenDsm && success) next = TwainState.DsmOpen;
        else if (triplet == TwainTriplet.CloseDsm && success) next = TwainState.DsmLoaded;
        else if (triplet == TwainTriplet.OpenSource && success) next = TwainState.SourceOpen;
        else if (triplet == TwainTriplet.CloseSource && success) next = TwainState.DsmOpen;
        else if (triplet == TwainTriplet.EnableSource && success) next = TwainState.SourceEnabled;
        else if (triplet == TwainTriplet.DisableSource && success) next = TwainState.SourceOpen;
        // A transfer starts with its first answer, whether data, done or a cancel; a failure leaves the image pending.
        else if ((triplet == TwainTriplet.MemoryTransfer || triplet == TwainTriplet.NativeTransfer)
                 && (success || rc == TwainDsm.TWRC_CANCEL)) next = TwainState.Transferring;
        else if (triplet == TwainTriplet.EndTransfer && success) next = pending == 0 ? TwainState.SourceEnabled : TwainState.TransferReady;
        else if (triplet == TwainTriplet.ResetTransfers && success) next = TwainState.SourceEnabled;
        if (next != State) Move(State, next, $"{Name(triplet)} -> rc {rc}");
    }

    private void Move(TwainState from, TwainState to, string why)
    {
        if (State != from) throw new TwainSequenceException(State, why);
        _history.Add((from, to, why));
        State = to;
    }

    /// <summary>Which triplets each state allows (TWAIN 2.4 specification, chapter 7 tables).</summary>
    public static bool Allowed(TwainState state, TwainTriplet t)
    {
        var s = (int)state;
        if (t == TwainTriplet.OpenDsm) return state == TwainState.DsmLoaded;
        if (t == TwainTriplet.CloseDsm) return state == TwainState.DsmOpen;
        if (t == TwainTriplet.GetEntryPoint) return s >= 3;
        if (t == TwainTriplet.GetFirstSource || t == TwainTriplet.GetNextSource) return s >= 3;
        if (t == TwainTriplet.OpenSource) return state == TwainState.DsmOpen;
        if (t == TwainTriplet.CloseSource || t == TwainTriplet.RegisterCallback || t == TwainTriplet.SetCapability) return state == TwainState.SourceOpen;
        if (t == TwainTriplet.GetCapability || t == TwainTriplet.GetCapabilityCurrent) return s >= 4;
        if (t == TwainTriplet.EnableSource) return state == TwainState.SourceOpen;
        if (t == TwainTriplet.DisableSource) return state == TwainState.SourceEnabled;
        if (t == TwainTriplet.GetStatus) return s >= 3;
        if (t == TwainTriplet.GetImageInfo) return s >= 6;
        if (t == TwainTriplet.SetupMemoryTransfer) return state == TwainState.TransferReady;
        if (t == TwainTriplet.MemoryTransfer) return s >= 6;
        if (t == TwainTriplet.NativeTransfer) return state == TwainState.TransferReady;
        if (t == TwainTriplet.EndTransfer) return s >= 6;
        if (t == TwainTriplet.ResetTransfers) return state == TwainState.TransferReady;
        return false;
    }

    private static string Name(TwainTriplet t) =>
        t == TwainTriplet.OpenDsm ? "MSG_OPENDSM" : t == TwainTriplet.CloseDsm ? "MSG_CLOSEDSM"
        : t == TwainTriplet.OpenSource ? "MSG_OPENDS" : t == TwainTriplet.CloseSource ? "MSG_CLOSEDS"
        : t == TwainTriplet.EnableSource ? "MSG_ENABLEDS" : t == TwainTriplet.DisableSource ? "MSG_DISABLEDS"
        : t == TwainTriplet.MemoryTransfer ? "DAT_IMAGEMEMXFER" : t == TwainTriplet.NativeTransfer ? "DAT_IMAGENATIVEXFER"
        : t == TwainTriplet.EndTransfer ? "MSG_ENDXFER" : t == TwainTriplet.ResetTransfers ? "MSG_RESET"
        : t.ToString();
}
