#!/usr/bin/env python3
"""Our performance estimate without labels against NannyML's CBPE, on NannyML's own data.

NannyML's synthetic binary classification dataset (work from home: y_pred_proba, y_pred, work_home_actual) is
chunked by 5,000 rows, as NannyML's quickstart does. NannyML's CBPE is fitted on the reference period and estimates
accuracy and F1 for each analysis chunk; our estimator (PerformanceEstimate, through CbpeComparison) gets the same
reference, as the profile command would write it (scores by label), and the same chunks, counted as a collector
counts them (scores in 100 bins, by predicted class). Both are set beside the realised figures from the targets.

Run from the repository root (needs nannyml and statsmodels, e.g. pip install --target /tmp/pypeer nannyml==0.13.1
statsmodels; then PYTHONPATH=/tmp/pypeer):
    python3 src/bench/nannyml/cbpe_compare.py
CI does not run it; the table it prints is in src/bench/BENCHMARKS.md.
"""
import os
import subprocess
import sys
import tempfile

os.environ.setdefault("NML_DISABLE_USAGE_LOGGING", "1")  # NannyML reports usage to a server unless told not to

import nannyml as nml  # noqa: E402
import numpy as np  # noqa: E402

CHUNK = 5000


def main():
    reference, analysis, targets = nml.load_synthetic_binary_classification_dataset()
    analysis = analysis.merge(targets, on="id")
    estimator = nml.CBPE(y_pred_proba="y_pred_proba", y_pred="y_pred", y_true="work_home_actual",
                         problem_type="classification_binary", metrics=["accuracy", "f1"], chunk_size=CHUNK)
    estimator.fit(reference)
    theirs = estimator.estimate(analysis).filter(period="analysis").to_df()

    with tempfile.TemporaryDirectory() as tmp:
        ref_csv = os.path.join(tmp, "reference.csv")
        ana_csv = os.path.join(tmp, "analysis.csv")
        reference[["y_pred_proba", "y_pred", "work_home_actual"]].to_csv(ref_csv, index=False)
        chunked = analysis[["y_pred_proba", "y_pred"]].copy()
        chunked["chunk"] = np.arange(len(chunked)) // CHUNK
        chunked.to_csv(ana_csv, index=False)
        out = subprocess.run(["mvn", "-q", "test-compile", "exec:java", "-Dexec.classpathScope=test",
                              "-Dexec.mainClass=io.modelmonitor.bench.CbpeComparison",
                              "-Dexec.args=" + ref_csv + " " + ana_csv],
                             check=True, capture_output=True, text=True).stdout
    ours = [line.split(",") for line in out.splitlines() if line and line[0].isdigit()]

    print("| chunk | realised accuracy | NannyML CBPE | ours [95% interval] | realised F1 | NannyML F1 | ours F1 |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    gaps_theirs, gaps_ours, gaps_between, covered = [], [], [], 0
    for i, row in enumerate(ours):
        chunk = analysis.iloc[i * CHUNK:(i + 1) * CHUNK]
        y, p = chunk["work_home_actual"].to_numpy(), chunk["y_pred"].to_numpy()
        realised = float((y == p).mean())
        tp = float(((y == 1) & (p == 1)).sum())
        f1 = 2 * tp / (2 * tp + float(((y == 0) & (p == 1)).sum()) + float(((y == 1) & (p == 0)).sum()))
        nml_acc = float(theirs[("accuracy", "value")].iloc[i])
        nml_f1 = float(theirs[("f1", "value")].iloc[i])
        acc, lower, upper, our_f1 = (float(v) for v in row[1:5])
        gaps_theirs.append(abs(nml_acc - realised))
        gaps_ours.append(abs(acc - realised))
        gaps_between.append(abs(acc - nml_acc))
        covered += lower <= realised <= upper
        print(f"| {i} | {realised:.4f} | {nml_acc:.4f} | {acc:.4f} [{lower:.4f}, {upper:.4f}] | {f1:.4f} | "
              f"{nml_f1:.4f} | {our_f1:.4f} |")
    print()
    print(f"mean |estimate - realised| accuracy: NannyML {np.mean(gaps_theirs):.4f}, ours {np.mean(gaps_ours):.4f}; "
          f"mean |ours - NannyML| {np.mean(gaps_between):.4f}; realised inside our interval in {covered} of "
          f"{len(ours)} chunks")


if __name__ == "__main__":
    sys.exit(main())
