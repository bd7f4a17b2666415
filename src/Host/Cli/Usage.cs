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
          serve [--config FILE] [--archive DIR] [--registry FILE] [--model FILE] [--port N] [--bind ADDR] [--inbox DIR]
                                                the service: watched folders, GET /health (config: README "Service")
          scan --device ID --archive DIR [--source adf|flatbed] [--duplex] [--dpi N] [--mode grey|bitonal|colour]
               [--registry FILE] [--operator NAME] [--station NAME] [--case CASE] | scan --list
                                                scan one batch into the pipeline; exit 3 when the scan stopped early
          train --samples DIR --model FILE      train the document-type model from DIR/<document_type>/* (images, PDFs, or
                [--version V] [--precision 0.995]  OCR text as .txt); held-out report, thresholds for the precision target,
                [--holdout 0.2] [--folds 5]      separation model from multi-page samples; registers the version and makes
                [--registry DIR] [--no-registry]  it active only if at least as good as the active one
          model list | model promote VERSION | model rollback [--registry DIR]
                                                model versions, the active one, promote by hand, go back one version
          model retrain --samples DIR --archive DIR [--store S] [--force]
                                                learn from the review desk's decisions now (as the scheduled job does)
          registry import FILE                  load or refresh the beneficiary registry (CSV, shared spec §2)
          sheets --case CASE_NUMBER [--out FILE] | sheets --separator [--out FILE]
                                                print cover or separator sheets as PDF
          corpus --out DIR [--documents N] [--seed N] [--unseparated SHARE]
                | corpus --samples --out DIR [--per-type N] [--seed N] [--pages all|first]
                                                generate a labelled test corpus or training samples
          evaluate --truth FILE --manifest FILE  compare a manifest with a corpus's ground truth
          bulk status [--config FILE | --store S] [--job NAME] [--watch] | bulk run --job NAME [--config FILE] [--until HH:MM]
                                                bulk jobs (legacy archives in time windows): progress, or one window by hand
          users add --name NAME --role operator|reviewer|admin | users passwd|disable|enable|remove --name NAME | users list
                [--archive DIR | --store FILE]  web UI accounts (password from stdin or prompted; never a default)

        Environment: CAPTURECHAIN_DATA (data folder, default ~/.local/share/capturechain).
        """);
}
