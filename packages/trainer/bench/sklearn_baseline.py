"""scikit-learn baseline for bench/bench.ts: pandas read_csv, StandardScaler, and
with its defaults LogisticRegression() (lbfgs, 100 iterations) or, for "mlp",
MLPClassifier(hidden_layer_sizes=(16,), early_stopping=True) (the trainer's MLP:
one hidden layer of 16 ReLU units, Adam, early stopping), timed end to end.

Timings: importSeconds (numpy, pandas, scikit-learn), readSeconds (read_csv),
fitSeconds, and totalSeconds from the first import to the accuracy.

Usage: sklearn_baseline.py <data.csv> <test-rows.txt> [logistic|mlp]
The test rows are the trainer's own fixed split (one row index per line), so
both report accuracy on the same rows. Prints one JSON object.
"""
import json
import resource
import sys
import time

started = time.perf_counter()
import numpy as np  # noqa: E402  (imports are part of the end-to-end time)
import pandas as pd  # noqa: E402
import sklearn  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

imported = time.perf_counter()
data_path, test_rows_path = sys.argv[1], sys.argv[2]
kind = sys.argv[3] if len(sys.argv) > 3 else "logistic"
frame = pd.read_csv(data_path)
read_done = time.perf_counter()

labels = frame.pop(frame.columns[-1]).to_numpy()
features = frame.to_numpy(dtype=np.float64)
is_test = np.zeros(len(labels), dtype=bool)
is_test[np.loadtxt(test_rows_path, dtype=np.int64)] = True

scaler = StandardScaler().fit(features[~is_test])
train_x = scaler.transform(features[~is_test])
test_x = scaler.transform(features[is_test])
fit_started = time.perf_counter()
if kind == "mlp":
    estimator = MLPClassifier(hidden_layer_sizes=(16,), early_stopping=True, random_state=1)
else:
    estimator = LogisticRegression()
model = estimator.fit(train_x, labels[~is_test])
fit_done = time.perf_counter()
accuracy = float((model.predict(test_x) == labels[is_test]).mean())
done = time.perf_counter()

print(json.dumps({
    "sklearn": sklearn.__version__,
    "importSeconds": imported - started,
    "readSeconds": read_done - imported,
    "fitSeconds": fit_done - fit_started,
    "iterations": int(np.max(model.n_iter_)),
    "totalSeconds": done - started,
    "accuracy": accuracy,
    "maxRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
}))
