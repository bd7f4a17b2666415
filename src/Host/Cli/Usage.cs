using Spectre.Console;

namespace CaptureChain.Host.Cli;

/// <summary>The help text.</summary>
public static class Usage
{
    public static void Print() => AnsiConsole.WriteLine("""
        Usage: ./capturechain VERB [options]

          demo                                  generate a small demo batch and run it end to end
          process --inbox DIR --archive DIR [--registry FILE] [--model FILE] [--manifest FILE] [--plan FILE]
                  [--workers N] [--store FILE]  file every document of DIR; exit 0 when the batch ran
          scan --device ID --archive DIR [--source adf|flatbed] [--duplex] [--dpi N] [--mode grey|bitonal|colour]
               [--registry FILE] [--operator NAME] [--station NAME] [--case CASE] | scan --list
                                                scan one batch into the pipeline; exit 3 when the scan stopped early
          train --samples DIR --model FILE      train the document-type model from DIR/<document_type>/*
          registry import FILE                  load or refresh the beneficiary registry (CSV, shared spec §2)
          sheets --case CASE_NUMBER [--out FILE] | sheets --separator [--out FILE]
                                                print cover or separator sheets as PDF
          corpus --out DIR [--documents N] [--seed N] | corpus --samples --out DIR [--per-type N] [--seed N]
                                                generate a labelled test corpus or training samples
          evaluate --truth FILE --manifest FILE  compare a manifest with a corpus's ground truth

        Environment: CAPTURECHAIN_DATA (data folder, default ~/.local/share/capturechain).
        """);
}
