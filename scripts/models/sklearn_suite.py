#!/usr/bin/env python3
"""Writes the scikit-learn model suite: scikit-learn (and LightGBM / XGBoost) models converted
to ONNX with skl2onnx / onnxmltools, plus a few hand-built ai.onnx.ml graphs for the ops the
converters never emit, each as a case in the ONNX backend-test layout (see common.py), with
onnxruntime's outputs (one thread) on seeded synthetic inputs as the expected values.

Run through scripts/models/sklearn.sh (not named sklearn.py: that would shadow the package), which picks the models venv (scripts/models/venv.sh).

Classifiers are written twice: as converted (label + ZipMap probabilities, a sequence of maps)
and with zipmap=False (label + a probability tensor), named <case>_nozipmap. Test rows whose two
largest probabilities are closer than 1e-3 are dropped, so that a correct implementation cannot
pick another label through float rounding.

skl2onnx turns TfidfVectorizer's tokenisation into the contrib op com.microsoft:Tokenizer; the
case `tfidf_text` replaces that node with the standard StringSplit (opset 20+), which tokenises
the generated texts (lower-case words of two or more letters, single spaces) exactly like
scikit-learn, and checks onnxruntime's result against scikit-learn's transform. The unmodified
conversion (`tfidf_text_contrib`) is written only with --contrib.

index.json also records, for information (the expected values are onnxruntime's either way):
  sklearn_agrees / sklearn_max_abs_diff   onnxruntime's outputs against scikit-learn's own
      predict / predict_proba (decision_function) / transform on the same rows. Known
      disagreements: Normalizer(norm="max") (onnxruntime and the ONNX spec divide by max(X),
      scikit-learn by max(|X|)), scores of SVC without probabilities (one-vs-one votes vs
      scikit-learn's ovr shape), binary raw scores (two columns vs one).
  onnx_reference   whether onnx's reference evaluator (onnx.reference) agrees with onnxruntime
      under the case's tolerance ("agrees", "differs: ...", "cannot run: ...").
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from common import Suite, log  # noqa: E402

# Bump when what is written changes (the shell wrapper also hashes the sources).
LAYOUT_VERSION = 1

OPSET = {"": 21, "ai.onnx.ml": 3}
RTOL, ATOL = 1e-3, 1e-4          # float32 model outputs
N_TEST = 20                      # test rows per case (before near-tie filtering)


def stamp_text() -> str:
    import onnxruntime
    import skl2onnx
    import sklearn

    return (f"sklearn layout={LAYOUT_VERSION} onnx=={onnx.__version__} onnxruntime=={onnxruntime.__version__} "
            f"scikit-learn=={sklearn.__version__} skl2onnx=={skl2onnx.__version__}")


# ---------------------------------------------------------------- data

def clf_data(n_classes=3, n_features=6, seed=0):
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=300 + N_TEST, n_features=n_features, n_informative=4,
                               n_redundant=1, n_classes=n_classes, n_clusters_per_class=1,
                               random_state=seed)
    X = X.astype(np.float32)
    return X[:300], y[:300].astype(np.int64), X[300:]


def reg_data(n_features=6, n_targets=1, seed=0):
    from sklearn.datasets import make_regression

    X, y = make_regression(n_samples=300 + N_TEST, n_features=n_features, n_informative=5,
                           n_targets=n_targets, noise=0.5, random_state=seed)
    X = X.astype(np.float32)
    y = (y / np.std(y)).astype(np.float32)
    return X[:300], y[:300], X[300:]


def float_type(n, double=False):
    from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType

    return [("X", (DoubleTensorType if double else FloatTensorType)([None, n]))]


def _patch_skl2onnx() -> None:
    """skl2onnx 1.20 passes lists mixing int, bool, np.uint32 and np.uint8 (HistGradientBoosting
    trees) to onnx.helper.make_node, which onnx 1.23 / protobuf 7 reject: make them Python ints."""
    import skl2onnx.common._container as cont

    if getattr(cont, "_oe_patched", False):
        return
    orig = cont.make_node

    def clean(v):
        if isinstance(v, (list, tuple)) and any(isinstance(x, (np.generic, bool)) for x in v):
            v = [x.item() if isinstance(x, np.generic) else x for x in v]
            if all(isinstance(x, (bool, int)) for x in v):
                v = [int(x) for x in v]
        return v

    def make_node(op_type, inputs, outputs, name=None, **attrs):
        return orig(op_type, inputs, outputs, name=name, **{k: clean(v) for k, v in attrs.items()})

    cont.make_node = make_node
    cont._oe_patched = True


def convert(est, initial_types, options=None, target_opset=None):
    from skl2onnx import convert_sklearn

    _patch_skl2onnx()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return convert_sklearn(est, initial_types=initial_types, options=options,
                               target_opset=target_opset or OPSET)


def unambiguous_rows(model: onnx.ModelProto, X: np.ndarray, input_name="X") -> np.ndarray:
    """Rows whose two largest class probabilities differ by at least 1e-3 (model: zipmap=False)."""
    outs = common.ort_run(model, {input_name: X})
    probs = np.asarray(outs[1], dtype=np.float64)
    if probs.ndim == 2 and probs.shape[1] >= 2:
        top = np.sort(probs, axis=1)
        keep = (top[:, -1] - top[:, -2]) >= 1e-3
    else:
        keep = np.ones(len(X), bool)
    return X[keep]


def sk_check(est, Xt, kind: str, raw_scores: bool = False):
    """A Suite.add check: compares onnxruntime's outputs with scikit-learn's own results on the
    same rows and records "sklearn_agrees" (rtol 1e-3, atol 1e-4; labels equal) and the
    differences in index.json. For information: the expected values are onnxruntime's."""

    def refs():
        if kind == "clf":
            second = (est.decision_function(Xt) if raw_scores or not hasattr(est, "predict_proba")
                      else est.predict_proba(Xt))
            return [est.predict(Xt), second]
        if kind == "reg":
            return [est.predict(Xt)]
        if kind == "cluster":
            return [est.predict(Xt), est.transform(Xt)]
        return [est.transform(Xt)]

    def check(outputs):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                want = refs()
        except Exception as e:
            return {"sklearn_agrees": None, "sklearn_max_abs_diff": f"not compared: {type(e).__name__}: {e}"[:200]}
        diffs, agree = [], True
        for got, ref in zip(outputs, want):
            if isinstance(got, list):  # ZipMap: one {class: p} per row, in class order
                got = np.array([list(d.values()) for d in got])
            ref = ref.toarray() if hasattr(ref, "toarray") else ref
            got, ref = np.asarray(got), np.asarray(ref)
            if got.size != ref.size:
                diffs.append(f"shape {list(got.shape)} vs scikit-learn {list(ref.shape)}")
                agree = False
                continue
            ref = ref.reshape(got.shape)
            if got.dtype.kind in "fc" or ref.dtype.kind in "fc":
                g, r = got.astype(np.float64), ref.astype(np.float64)
                diffs.append(float(np.max(np.abs(g - r))) if got.size else 0.0)
                agree = agree and bool(np.allclose(g, r, rtol=1e-3, atol=1e-4, equal_nan=True))
            else:
                same = bool(np.array_equal(got.astype(str), ref.astype(str)))
                diffs.append(0 if same else f"{int(np.sum(got.astype(str) != ref.astype(str)))} labels differ")
                agree = agree and same
        return {"sklearn_agrees": agree, "sklearn_max_abs_diff": diffs}

    return check


def kind_of(est) -> str:
    from sklearn.base import is_classifier, is_regressor

    if is_classifier(est):
        return "clf"
    if is_regressor(est):
        return "reg"
    if hasattr(est, "predict") and hasattr(est, "transform"):
        return "cluster"
    return "transform"


# ---------------------------------------------------------------- case groups

def add_classifier(suite: Suite, name: str, est, X, y, Xt, target_opset=None, extra_options=None,
                   notes=""):
    est.fit(X, y)
    if not hasattr(est, "predict_proba"):
        # No probabilities (LinearSVC, SVC without probability=True): label + scores tensor.
        try:
            model = convert(est, float_type(X.shape[1]), options={id(est): {"zipmap": False, **(extra_options or {})}},
                            target_opset=target_opset)
        except NameError:  # no zipmap option for this model
            model = convert(est, float_type(X.shape[1]), options={id(est): extra_options} if extra_options else None,
                            target_opset=target_opset)
        rows = unambiguous_rows(model, Xt)
        suite.add(name, model, {"X": rows}, RTOL, ATOL, notes=notes, check=sk_check(est, rows, "clf"))
        return
    opts_nz = {"zipmap": False, **(extra_options or {})}
    no_zip = convert(est, float_type(X.shape[1]), options={id(est): opts_nz}, target_opset=target_opset)
    if no_zip.graph.output[1].type.WhichOneof("value") != "tensor_type":
        raise RuntimeError("zipmap=False did not give a tensor")
    Xt = unambiguous_rows(no_zip, Xt)
    opts = dict(extra_options or {})
    zip_model = convert(est, float_type(X.shape[1]), options={id(est): opts} if opts else None,
                        target_opset=target_opset)
    raw = bool((extra_options or {}).get("raw_scores"))
    suite.add(name, zip_model, {"X": Xt}, RTOL, ATOL, notes=notes, check=sk_check(est, Xt, "clf", raw))
    suite.add(name + "_nozipmap", no_zip, {"X": Xt}, RTOL, ATOL, notes=notes, check=sk_check(est, Xt, "clf", raw))


def add_simple(suite: Suite, name: str, est, X, y, Xt, double=False, target_opset=None, options=None,
               notes=""):
    if y is None:
        est.fit(X)
    else:
        est.fit(X, y)
    if double:
        X, Xt = X.astype(np.float64), Xt.astype(np.float64)
    model = convert(est, float_type(X.shape[1], double), options=options, target_opset=target_opset)
    suite.add(name, model, {"X": Xt}, RTOL, ATOL, notes=notes, check=sk_check(est, Xt, kind_of(est)))


def classifiers(suite: Suite) -> None:
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
    from sklearn.ensemble import (GradientBoostingClassifier, HistGradientBoostingClassifier,
                                  RandomForestClassifier, ExtraTreesClassifier)
    from sklearn.linear_model import LogisticRegression, SGDClassifier
    from sklearn.naive_bayes import BernoulliNB, GaussianNB
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC, LinearSVC
    from sklearn.tree import DecisionTreeClassifier

    X, y, Xt = clf_data(3)
    Xb, yb, Xbt = clf_data(2, seed=1)
    cases = [
        ("logreg", LogisticRegression(max_iter=1000), 3),
        ("logreg_binary", LogisticRegression(max_iter=1000), 2),
        ("linear_svc", LinearSVC(max_iter=5000, random_state=0), 3),
        ("sgd_clf_log", SGDClassifier(loss="log_loss", random_state=0), 3),
        ("lda_clf", LinearDiscriminantAnalysis(), 3),
        ("decision_tree_clf", DecisionTreeClassifier(max_depth=6, random_state=0), 3),
        ("decision_tree_clf_binary", DecisionTreeClassifier(max_depth=5, random_state=0), 2),
        ("random_forest_clf", RandomForestClassifier(n_estimators=10, max_depth=6, random_state=0), 3),
        ("extra_trees_clf", ExtraTreesClassifier(n_estimators=8, max_depth=6, random_state=0), 3),
        ("gradient_boosting_clf", GradientBoostingClassifier(n_estimators=20, max_depth=3, random_state=0), 3),
        ("gradient_boosting_clf_binary", GradientBoostingClassifier(n_estimators=20, max_depth=3, random_state=0), 2),
        ("hist_gradient_boosting_clf", HistGradientBoostingClassifier(max_iter=20, random_state=0), 3),
        ("svc_rbf_proba", SVC(probability=True, random_state=0), 3),
        ("svc_linear_proba_binary", SVC(kernel="linear", probability=True, random_state=0), 2),
        ("svc_poly", SVC(kernel="poly", degree=3, random_state=0), 3),
        ("svc_sigmoid_binary", SVC(kernel="sigmoid", random_state=0), 2),
        ("knn_clf", KNeighborsClassifier(n_neighbors=5), 3),
        ("mlp_clf", MLPClassifier(hidden_layer_sizes=(16, 8), max_iter=600, random_state=0), 3),
        ("gaussian_nb", GaussianNB(), 3),
        ("bernoulli_nb", BernoulliNB(binarize=0.0), 3),
        ("pipeline_scaler_logreg", make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)), 3),
    ]
    for name, est, k in cases:
        try:
            if k == 3:
                add_classifier(suite, name, est, X, y, Xt)
            else:
                add_classifier(suite, name, est, Xb, yb, Xbt)
        except Exception as e:  # a converter that cannot do it: say so and go on
            suite.skip(name, f"{type(e).__name__}: {e}".splitlines()[0][:200])

    # String class labels: ZipMap keyed by strings, a string label tensor.
    names = np.array(["cat", "dog", "eel"])
    try:
        add_classifier(suite, "logreg_string_labels", LogisticRegression(max_iter=1000), X, names[y], Xt)
        add_classifier(suite, "random_forest_clf_string_labels",
                       RandomForestClassifier(n_estimators=5, max_depth=5, random_state=0), X, names[y], Xt)
    except Exception as e:
        suite.skip("logreg_string_labels", f"{type(e).__name__}: {e}".splitlines()[0][:200])

    # Older opsets: ai.onnx.ml 1 (and ai.onnx 9 / 11) for the same kinds of models.
    for name, est, opset in [
        ("logreg_opset9_ml1", LogisticRegression(max_iter=1000), {"": 9, "ai.onnx.ml": 1}),
        ("random_forest_clf_opset11_ml1", RandomForestClassifier(n_estimators=5, max_depth=5, random_state=0),
         {"": 11, "ai.onnx.ml": 1}),
        ("svc_rbf_proba_opset13_ml2", SVC(probability=True, random_state=0), {"": 13, "ai.onnx.ml": 2}),
    ]:
        try:
            add_classifier(suite, name, est, X, y, Xt, target_opset=opset)
        except Exception as e:
            suite.skip(name, f"{type(e).__name__}: {e}".splitlines()[0][:200])

    # Decision-function output instead of probabilities ("raw_scores").
    try:
        add_classifier(suite, "logreg_raw_scores", LogisticRegression(max_iter=1000), X, y, Xt,
                       extra_options={"raw_scores": True})
    except Exception as e:
        suite.skip("logreg_raw_scores", f"{type(e).__name__}: {e}".splitlines()[0][:200])


def regressors(suite: Suite) -> None:
    from sklearn.ensemble import (GradientBoostingRegressor, HistGradientBoostingRegressor,
                                  RandomForestRegressor)
    from sklearn.linear_model import LinearRegression, Ridge
    from sklearn.neighbors import KNeighborsRegressor
    from sklearn.neural_network import MLPRegressor
    from sklearn.svm import SVR, LinearSVR
    from sklearn.tree import DecisionTreeRegressor

    X, y, Xt = reg_data()
    X2, y2, Xt2 = reg_data(n_targets=2, seed=3)
    cases = [
        ("linear_regression", LinearRegression(), X, y, Xt, False),
        ("linear_regression_2targets", LinearRegression(), X2, y2, Xt2, False),
        ("linear_regression_double", LinearRegression(), X, y, Xt, True),
        ("ridge", Ridge(alpha=0.5), X, y, Xt, False),
        ("linear_svr", LinearSVR(max_iter=5000, random_state=0), X, y, Xt, False),
        ("svr_rbf", SVR(C=2.0), X, y, Xt, False),
        ("svr_poly", SVR(kernel="poly", degree=2), X, y, Xt, False),
        ("decision_tree_reg", DecisionTreeRegressor(max_depth=6, random_state=0), X, y, Xt, False),
        ("random_forest_reg", RandomForestRegressor(n_estimators=10, max_depth=6, random_state=0), X, y, Xt, False),
        ("random_forest_reg_2targets", RandomForestRegressor(n_estimators=5, max_depth=5, random_state=0), X2, y2, Xt2, False),
        ("gradient_boosting_reg", GradientBoostingRegressor(n_estimators=30, max_depth=3, random_state=0), X, y, Xt, False),
        ("hist_gradient_boosting_reg", HistGradientBoostingRegressor(max_iter=20, random_state=0), X, y, Xt, False),
        ("knn_reg", KNeighborsRegressor(n_neighbors=4), X, y, Xt, False),
        ("mlp_reg", MLPRegressor(hidden_layer_sizes=(16,), max_iter=800, random_state=0), X, y, Xt, False),
    ]
    for name, est, a, b, t, double in cases:
        try:
            add_simple(suite, name, est, a, b, t, double=double)
        except Exception as e:
            suite.skip(name, f"{type(e).__name__}: {e}".splitlines()[0][:200])
    # Double inputs for tree ensembles: skl2onnx declares a double output, which the
    # TreeEnsembleRegressor schema does not allow (and onnxruntime refuses), so these are the float
    # conversions rewritten by hand: double input, *_as_tensor (double) attributes (ml opset 3).
    try:
        rf = RandomForestRegressor(n_estimators=5, max_depth=5, random_state=0).fit(X, y)
        model = trees_as_double(convert(rf, float_type(X.shape[1])))
        suite.add("random_forest_reg_double_as_tensor", model, {"X": Xt.astype(np.float64)}, RTOL, ATOL,
                  notes="float conversion rewritten: double input, *_as_tensor attributes",
                  check=sk_check(rf, Xt, "reg"))
        from sklearn.ensemble import RandomForestClassifier
        Xc, yc, Xct = clf_data(3)
        rf = RandomForestClassifier(n_estimators=5, max_depth=5, random_state=0).fit(Xc, yc)
        model = convert(rf, float_type(Xc.shape[1]), options={id(rf): {"zipmap": False}})
        rows = unambiguous_rows(model, Xct)
        suite.add("random_forest_clf_double_as_tensor_nozipmap", trees_as_double(model),
                  {"X": rows.astype(np.float64)}, RTOL, ATOL,
                  notes="float conversion rewritten: double input, *_as_tensor attributes",
                  check=sk_check(rf, rows, "clf"))
    except Exception as e:
        suite.skip("random_forest_double_as_tensor", f"{type(e).__name__}: {e}".splitlines()[0][:200])
    try:
        add_simple(suite, "random_forest_reg_opset11_ml1",
                   RandomForestRegressor(n_estimators=5, max_depth=5, random_state=0), X, y, Xt,
                   target_opset={"": 11, "ai.onnx.ml": 1})
    except Exception as e:
        suite.skip("random_forest_reg_opset11_ml1", f"{type(e).__name__}: {e}".splitlines()[0][:200])


def trees_as_double(model: onnx.ModelProto) -> onnx.ModelProto:
    """Double graph input and *_as_tensor double attributes on the tree-ensemble nodes."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    floats = {"nodes_values", "nodes_hitrates", "target_weights", "class_weights", "base_values"}
    for n in m.graph.node:
        if n.op_type not in ("TreeEnsembleRegressor", "TreeEnsembleClassifier"):
            continue
        keep = []
        for a in n.attribute:
            if a.name in floats:
                arr = np.array(list(a.floats), dtype=np.float64)
                keep.append(helper.make_attribute(a.name + "_as_tensor", numpy_helper.from_array(arr)))
            else:
                keep.append(a)
        del n.attribute[:]
        n.attribute.extend(keep)
    for x in m.graph.input:
        x.type.tensor_type.elem_type = TensorProto.DOUBLE
    for o in m.opset_import:  # skl2onnx imports the lowest ml opset its nodes need
        if o.domain == "ai.onnx.ml":
            o.version = max(o.version, 3)
    return m


def boosters(suite: Suite) -> None:
    """LightGBM and XGBoost through onnxmltools (TreeEnsembleClassifier/Regressor)."""
    try:
        import lightgbm
        import onnxmltools
        import xgboost
        from onnxmltools.convert.common.data_types import FloatTensorType
    except ImportError as e:
        suite.skip("lightgbm/xgboost", f"not installed: {e}")
        return
    X, y, Xt = clf_data(3)
    Xr, yr, Xrt = reg_data()
    init = [("X", FloatTensorType([None, X.shape[1]]))]
    opset = 15  # the newest ai.onnx opset onnxmltools 1.16 converts to

    def conv_lgbm(m, zipmap=True):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return onnxmltools.convert_lightgbm(m, initial_types=init, target_opset=opset, zipmap=zipmap)

    def conv_xgb(m):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return onnxmltools.convert_xgboost(m, initial_types=init, target_opset=opset)

    steps = [
        ("lgbm_clf", lambda: lightgbm.LGBMClassifier(n_estimators=15, num_leaves=8, verbose=-1, random_state=0), "lgbm", True),
        ("lgbm_reg", lambda: lightgbm.LGBMRegressor(n_estimators=15, num_leaves=8, verbose=-1, random_state=0), "lgbm", False),
        ("xgb_clf", lambda: xgboost.XGBClassifier(n_estimators=15, max_depth=3, random_state=0, n_jobs=1), "xgb", True),
        ("xgb_reg", lambda: xgboost.XGBRegressor(n_estimators=15, max_depth=3, random_state=0, n_jobs=1), "xgb", False),
    ]
    for name, make, kind, is_clf in steps:
        try:
            m = make()
            if is_clf:
                m.fit(X, y)
                if kind == "lgbm":
                    nz = conv_lgbm(m, zipmap=False)
                    rows = unambiguous_rows(nz, Xt)
                    suite.add(name, conv_lgbm(m), {"X": rows}, RTOL, ATOL, check=sk_check(m, rows, "clf"))
                    suite.add(name + "_nozipmap", nz, {"X": rows}, RTOL, ATOL, check=sk_check(m, rows, "clf"))
                else:
                    model = conv_xgb(m)
                    rows = Xt
                    if model.graph.output[1].type.WhichOneof("value") == "tensor_type":
                        rows = unambiguous_rows(model, Xt)
                    suite.add(name, model, {"X": rows}, RTOL, ATOL, check=sk_check(m, rows, "clf"))
            else:
                m.fit(Xr, yr)
                model = conv_lgbm(m) if kind == "lgbm" else conv_xgb(m)
                suite.add(name, model, {"X": Xrt}, RTOL, ATOL, check=sk_check(m, Xrt, "reg"))
        except Exception as e:
            suite.skip(name, f"{type(e).__name__}: {e}".splitlines()[0][:200])


def unsupervised(suite: Suite) -> None:
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA, TruncatedSVD

    X, _, Xt = clf_data(3)
    for name, est in [
        ("kmeans", KMeans(n_clusters=4, n_init=3, random_state=0)),
        ("pca", PCA(n_components=3, random_state=0)),
        ("pca_whiten", PCA(n_components=4, whiten=True, random_state=0)),
        ("truncated_svd", TruncatedSVD(n_components=3, random_state=0)),
    ]:
        try:
            add_simple(suite, name, est, X, None, Xt)
        except Exception as e:
            suite.skip(name, f"{type(e).__name__}: {e}".splitlines()[0][:200])


def preprocessing(suite: Suite) -> None:
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LinearRegression, LogisticRegression
    from sklearn.decomposition import PCA
    from sklearn.pipeline import FeatureUnion, make_pipeline
    from sklearn.preprocessing import (Binarizer, MaxAbsScaler, MinMaxScaler, Normalizer,
                                       OneHotEncoder, OrdinalEncoder, RobustScaler, StandardScaler)
    from skl2onnx.common.data_types import Int64TensorType, StringTensorType

    X, y, Xt = clf_data(3)
    Xr, yr, Xrt = reg_data()
    simple = [
        ("standard_scaler", StandardScaler()),
        ("minmax_scaler", MinMaxScaler()),
        ("maxabs_scaler", MaxAbsScaler()),
        ("robust_scaler", RobustScaler()),
        ("normalizer_l1", Normalizer(norm="l1")),
        ("normalizer_l2", Normalizer(norm="l2")),
        ("normalizer_max", Normalizer(norm="max")),
        ("binarizer", Binarizer(threshold=0.25)),
        ("feature_union_pca_scaler", FeatureUnion([("pca", PCA(n_components=2, random_state=0)),
                                                   ("scale", MinMaxScaler())])),
    ]
    for name, est in simple:
        try:
            add_simple(suite, name, est, X, None, Xt)
        except Exception as e:
            suite.skip(name, f"{type(e).__name__}: {e}".splitlines()[0][:200])

    # Imputer: NaNs in the training data and in the test rows.
    rng = np.random.RandomState(7)
    Xn, Xnt = X.copy(), Xt.copy()
    Xn[rng.rand(*Xn.shape) < 0.1] = np.nan
    Xnt[rng.rand(*Xnt.shape) < 0.2] = np.nan
    for name, est in [
        ("simple_imputer_mean", SimpleImputer(strategy="mean")),
        ("simple_imputer_constant", SimpleImputer(strategy="constant", fill_value=-1.5)),
    ]:
        try:
            add_simple(suite, name, est, Xn, None, Xnt)
        except Exception as e:
            suite.skip(name, f"{type(e).__name__}: {e}".splitlines()[0][:200])
    try:
        add_classifier(suite, "pipeline_imputer_scaler_logreg",
                       make_pipeline(SimpleImputer(strategy="median"), StandardScaler(),
                                     LogisticRegression(max_iter=1000)), Xn, y, Xnt)
    except Exception as e:
        suite.skip("pipeline_imputer_scaler_logreg", f"{type(e).__name__}: {e}".splitlines()[0][:200])

    # One-hot encoding: int64 categories, string categories, unknown categories ignored.
    rng = np.random.RandomState(11)
    cats_i = rng.randint(0, 5, size=(200, 3)).astype(np.int64)
    cats_it = rng.randint(0, 6, size=(N_TEST, 3)).astype(np.int64)   # 5 is unknown
    words = np.array(["red", "green", "blue", "cyan"])
    cats_s = words[rng.randint(0, 4, size=(200, 2))]
    cats_st = words[rng.randint(0, 4, size=(N_TEST, 2))]
    try:
        enc = OneHotEncoder(handle_unknown="ignore", sparse_output=False).fit(cats_i)
        suite.add("onehot_encoder_int", convert(enc, [("X", Int64TensorType([None, 3]))]),
                  {"X": cats_it}, RTOL, ATOL, check=sk_check(enc, cats_it, "transform"))
        enc = OneHotEncoder(sparse_output=False).fit(cats_s)
        suite.add("onehot_encoder_string", convert(enc, [("X", StringTensorType([None, 2]))]),
                  {"X": cats_st}, RTOL, ATOL, check=sk_check(enc, cats_st, "transform"))
        enc = OrdinalEncoder().fit(cats_s)
        suite.add("ordinal_encoder_string", convert(enc, [("X", StringTensorType([None, 2]))]),
                  {"X": cats_st}, RTOL, ATOL, check=sk_check(enc, cats_st, "transform"))
    except Exception as e:
        suite.skip("onehot_encoder", f"{type(e).__name__}: {e}".splitlines()[0][:200])

    # ColumnTransformer over one float matrix: scale 3 columns, one-hot 2 integer-valued ones.
    try:
        Xc = np.concatenate([X[:, :3], rng.randint(0, 4, size=(len(X), 2))], axis=1).astype(np.float32)
        Xct = np.concatenate([Xt[:, :3], rng.randint(0, 4, size=(len(Xt), 2))], axis=1).astype(np.float32)
        ct = ColumnTransformer([("num", StandardScaler(), [0, 1, 2]),
                                ("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), [3, 4])])
        add_classifier(suite, "column_transformer_logreg", make_pipeline(ct, LogisticRegression(max_iter=1000)),
                       Xc, y, Xct)
    except Exception as e:
        suite.skip("column_transformer_logreg", f"{type(e).__name__}: {e}".splitlines()[0][:200])

    # LabelEncoder (strings -> int64 and int64 -> int64).
    from sklearn.preprocessing import LabelEncoder
    try:
        le = LabelEncoder().fit(["apple", "kiwi", "pear", "plum", "fig"])
        inp = np.array(["pear", "fig", "kiwi", "apple", "plum", "pear", "fig"])
        suite.add("label_encoder_string", convert(le, [("X", StringTensorType([None]))]), {"X": inp}, RTOL, ATOL,
                  check=sk_check(le, inp, "transform"))
        le = LabelEncoder().fit(np.array([10, 3, 7, 42, 5], dtype=np.int64))
        inp = np.array([42, 3, 3, 10, 7, 5], dtype=np.int64)
        suite.add("label_encoder_int", convert(le, [("X", Int64TensorType([None]))]), {"X": inp}, RTOL, ATOL,
                  check=sk_check(le, inp, "transform"))
    except Exception as e:
        suite.skip("label_encoder", f"{type(e).__name__}: {e}".splitlines()[0][:200])


def dict_vectorizer(suite: Suite) -> None:
    """DictVectorizer: a map(string, float) graph input (one sample per run)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LinearRegression
    from sklearn.pipeline import make_pipeline
    from skl2onnx.common.data_types import DictionaryType, FloatTensorType, StringTensorType

    rng = np.random.RandomState(5)
    keys = ["alpha", "beta", "gamma", "delta", "eps"]
    rows = [{k: float(rng.randn()) for k in keys if rng.rand() < 0.7} or {"alpha": 1.0} for _ in range(100)]
    target = np.array([sum(r.values()) for r in rows], dtype=np.float32)
    sample = {"gamma": np.float32(0.5), "alpha": np.float32(-1.25), "eps": np.float32(2.0)}
    init = [("X", DictionaryType(StringTensorType([]), FloatTensorType([])))]
    try:
        dv = DictVectorizer(sparse=False).fit(rows)
        sk_rows = [{k: float(v) for k, v in sample.items()}]
        suite.add("dict_vectorizer", convert(dv, init), {"X": sample}, RTOL, ATOL,
                  check=sk_check(dv, sk_rows, "transform"))
        pipe = make_pipeline(DictVectorizer(sparse=False), LinearRegression()).fit(rows, target)
        suite.add("dict_vectorizer_linreg", convert(pipe, init), {"X": sample}, RTOL, ATOL,
                  check=sk_check(pipe, sk_rows, "reg"))
    except Exception as e:
        suite.skip("dict_vectorizer", f"{type(e).__name__}: {e}".splitlines()[0][:200])


TEXT_WORDS = ("onnx model graph tensor node opset runtime kernel shape value input output weight "
              "layer batch float").split()


def texts(rng, n):
    return np.array([" ".join(rng.choice(TEXT_WORDS, size=rng.randint(3, 9))) for _ in range(n)])


def set_locale(model: onnx.ModelProto, name: str = "C.UTF-8") -> onnx.ModelProto:
    """skl2onnx writes StringNormalizer(locale="en_US"), which onnxruntime cannot construct on a
    system without that locale (Debian images ship only C, C.UTF-8, POSIX); the texts are ASCII."""
    for n in model.graph.node:
        if n.op_type == "StringNormalizer":
            for a in n.attribute:
                if a.name == "locale":
                    a.s = name.encode()
            if not any(a.name == "locale" for a in n.attribute):
                n.attribute.append(helper.make_attribute("locale", name))
    return model


def tokenizer_to_stringsplit(model: onnx.ModelProto) -> onnx.ModelProto:
    """Replaces com.microsoft:Tokenizer (separator mode) by ai.onnx StringSplit (opset 20)."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    g = m.graph
    nodes = list(g.node)
    out = []
    for n in nodes:
        if n.domain == "com.microsoft" and n.op_type == "Tokenizer":
            attrs = {a.name: helper.get_attribute_value(a) for a in n.attribute}
            seps = attrs.get("separators", [b" "])
            if list(seps) != [b" "] and " " not in [s.decode() if isinstance(s, bytes) else s for s in seps]:
                raise RuntimeError(f"Tokenizer separators {seps}: cannot express with StringSplit")
            out.append(helper.make_node("StringSplit", [n.input[0]], [n.output[0], n.output[0] + "_lengths"],
                                        name=n.name + "_as_StringSplit", delimiter=" "))
        else:
            out.append(n)
    del g.node[:]
    g.node.extend(out)
    keep = [o for o in m.opset_import if o.domain != "com.microsoft"]
    del m.opset_import[:]
    m.opset_import.extend(keep)
    for o in m.opset_import:
        if o.domain in ("", "ai.onnx") and o.version < 20:
            o.version = 20
    return m


def text_pipelines(suite: Suite) -> None:
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from skl2onnx.common.data_types import StringTensorType

    rng = np.random.RandomState(9)
    train = texts(rng, 120)
    test = texts(rng, 8)
    test[0] = test[0].upper()           # lowercase=True: the StringNormalizer matters
    init = [("X", StringTensorType([None]))]
    opts_sep = {"separators": [" "]}
    cases = [
        ("tfidf_text", TfidfVectorizer(ngram_range=(1, 2), min_df=2), None),
        ("count_vectorizer_text", CountVectorizer(), None),
        ("tfidf_text_logreg", make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000)), "clf"),
    ]
    y = (np.array([len(t) for t in train]) % 3).astype(np.int64)
    for name, est, kind in cases:
        try:
            if kind == "clf":
                est.fit(train, y)
                target = est.steps[0][1]
                options = {id(target): opts_sep, id(est.steps[-1][1]): {"zipmap": False}}
            else:
                est.fit(train)
                target = est
                options = {id(target): opts_sep}
            raw = set_locale(convert(est, init, options=options))
            model = tokenizer_to_stringsplit(raw)
            outs = common.ort_run(model, {"X": test})
            # The rewrite must agree with scikit-learn itself.
            if kind == "clf":
                want = est.predict_proba(test)
                got = outs[1]
            else:
                want = est.transform(test)
                want = want.toarray() if hasattr(want, "toarray") else want
                got = outs[0]
            np.testing.assert_allclose(np.asarray(got), want, rtol=1e-4, atol=1e-5,
                                       err_msg=f"{name}: onnxruntime vs scikit-learn")
            suite.add(name, model, {"X": test}, RTOL, ATOL,
                      notes="com.microsoft:Tokenizer from skl2onnx replaced by StringSplit (delimiter ' ')")
            suite.add(name + "_contrib", raw, {"X": test}, RTOL, ATOL, notes="as converted by skl2onnx")
        except Exception as e:
            suite.skip(name, f"{type(e).__name__}: {e}".splitlines()[0][:200])


# ---------------------------------------------------------------- hand-built ai.onnx.ml graphs

def ml_graphs(suite: Suite) -> None:
    """ai.onnx.ml ops the converters do not emit: CategoryMapper, FeatureVectorizer,
    ArrayFeatureExtractor on its own, LabelEncoder v4 (tensor attributes), TreeEnsemble (ml 5)."""
    mk = helper.make_tensor_value_info

    def model(nodes, inputs, outputs, ml=3, ai=21, inits=()):
        g = helper.make_graph(nodes, "g", inputs, outputs, initializer=list(inits))
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", ai), helper.make_opsetid("ai.onnx.ml", ml)],
                              producer_name="onnx-explorer scripts/models/sklearn.py")
        m.ir_version = 10
        return m

    # CategoryMapper both ways.
    cats = ["low", "mid", "high", "max"]
    m = model([helper.make_node("CategoryMapper", ["X"], ["Y"], domain="ai.onnx.ml",
                                cats_strings=cats, cats_int64s=[0, 1, 2, 3], default_int64=-1)],
              [mk("X", TensorProto.STRING, [None, 2])], [mk("Y", TensorProto.INT64, [None, 2])])
    suite.add("ml_category_mapper_str2int", m,
              {"X": np.array([["low", "max"], ["mid", "none"], ["high", "low"]], dtype=object)})
    m = model([helper.make_node("CategoryMapper", ["X"], ["Y"], domain="ai.onnx.ml",
                                cats_strings=cats, cats_int64s=[0, 1, 2, 3], default_string="?")],
              [mk("X", TensorProto.INT64, [None])], [mk("Y", TensorProto.STRING, [None])])
    suite.add("ml_category_mapper_int2str", m, {"X": np.array([3, 0, 7, 1, 2], dtype=np.int64)})

    # FeatureVectorizer: concatenates inputs of several numeric types into float.
    # (the schema binds all inputs to one type T1)
    rng = np.random.RandomState(3)
    m = model([helper.make_node("FeatureVectorizer", ["A", "B", "C"], ["Y"], domain="ai.onnx.ml",
                                inputdimensions=[2, 1, 3])],
              [mk("A", TensorProto.FLOAT, [None, 2]), mk("B", TensorProto.FLOAT, [None, 1]),
               mk("C", TensorProto.FLOAT, [None, 3])],
              [mk("Y", TensorProto.FLOAT, [None, 6])], ml=1)
    suite.add("ml_feature_vectorizer", m, {
        "A": rng.randn(4, 2).astype(np.float32), "B": rng.randn(4, 1).astype(np.float32),
        "C": rng.randn(4, 3).astype(np.float32)}, RTOL, ATOL)
    m = model([helper.make_node("FeatureVectorizer", ["A", "B"], ["Y"], domain="ai.onnx.ml",
                                inputdimensions=[3, 2])],
              [mk("A", TensorProto.INT64, [None, 3]), mk("B", TensorProto.INT64, [None, 2])],
              [mk("Y", TensorProto.FLOAT, [None, 5])], ml=1)
    suite.add("ml_feature_vectorizer_int64", m, {
        "A": rng.randint(-9, 9, size=(3, 3)).astype(np.int64), "B": rng.randint(0, 99, size=(3, 2)).astype(np.int64)})

    # ArrayFeatureExtractor on its own (float and string data).
    m = model([helper.make_node("ArrayFeatureExtractor", ["X", "idx"], ["Y"], domain="ai.onnx.ml")],
              [mk("X", TensorProto.FLOAT, [None, 5]), mk("idx", TensorProto.INT64, [None])],
              [mk("Y", TensorProto.FLOAT, [None, None])])
    suite.add("ml_array_feature_extractor", m, {"X": rng.randn(3, 5).astype(np.float32),
                                                "idx": np.array([4, 0, 2], dtype=np.int64)}, RTOL, ATOL)
    m = model([helper.make_node("ArrayFeatureExtractor", ["X", "idx"], ["Y"], domain="ai.onnx.ml")],
              [mk("X", TensorProto.STRING, [None, 3]), mk("idx", TensorProto.INT64, [None])],
              [mk("Y", TensorProto.STRING, [None, None])])
    suite.add("ml_array_feature_extractor_string", m, {
        "X": np.array([["a", "b", "c"], ["d", "e", "f"]], dtype=object), "idx": np.array([1], dtype=np.int64)})

    # LabelEncoder opset 4: keys/values as tensors, int64 -> float with a default.
    m = model([helper.make_node("LabelEncoder", ["X"], ["Y"], domain="ai.onnx.ml",
                                keys_tensor=numpy_helper.from_array(np.array([1, 5, 9], dtype=np.int64)),
                                values_tensor=numpy_helper.from_array(np.array([0.5, -1.0, 2.25], dtype=np.float32)),
                                default_tensor=numpy_helper.from_array(np.array([-9.0], dtype=np.float32)))],
              [mk("X", TensorProto.INT64, [None])], [mk("Y", TensorProto.FLOAT, [None])], ml=4)
    suite.add("ml_label_encoder_v4_tensors", m, {"X": np.array([9, 1, 3, 5, 5], dtype=np.int64)})

    # Binarizer, Scaler, Normalizer, Imputer, OneHotEncoder, LinearRegressor on older opsets are
    # produced by skl2onnx above; TreeEnsemble (ml 5) from a fitted forest:
    try:
        from sklearn.ensemble import RandomForestRegressor
        X, y, Xt = reg_data(seed=4)
        rf = RandomForestRegressor(n_estimators=4, max_depth=4, random_state=0).fit(X, y)
        suite.add("ml_tree_ensemble_v5_forest", tree_ensemble_v5(rf, X.shape[1]), {"X": Xt}, RTOL, ATOL,
                  notes="TreeEnsemble (ai.onnx.ml 5) built from a scikit-learn RandomForestRegressor")
    except Exception as e:
        suite.skip("ml_tree_ensemble_v5_forest", f"{type(e).__name__}: {e}".splitlines()[0][:200])


def tree_ensemble_v5(rf, n_features: int) -> onnx.ModelProto:
    """A TreeEnsemble (ai.onnx.ml opset 5) node that averages the trees of a fitted forest."""
    splits, feats, modes, tnode, tleaf, fnode, fleaf = [], [], [], [], [], [], []
    leaf_w, leaf_t, roots = [], [], []
    for est in rf.estimators_:
        t = est.tree_
        # interior nodes get consecutive ids across trees, leaves likewise
        interior = {}
        leaves = {}

        def visit(i):
            if t.children_left[i] == -1:
                leaves[i] = len(leaf_w)
                leaf_w.append(float(t.value[i][0][0]) / len(rf.estimators_))
                leaf_t.append(0)
                return
            interior[i] = len(splits)
            splits.append(float(t.threshold[i]))
            feats.append(int(t.feature[i]))
            modes.append(0)  # BRANCH_LEQ
            for arr in (tnode, tleaf, fnode, fleaf):
                arr.append(0)
            visit(t.children_left[i])
            visit(t.children_right[i])

        if t.children_left[0] == -1:
            raise RuntimeError("a tree that is a single leaf")
        visit(0)
        for i, k in interior.items():
            left, right = t.children_left[i], t.children_right[i]
            # true branch: x <= threshold -> left child
            if left in interior:
                tnode[k], tleaf[k] = interior[left], 0
            else:
                tnode[k], tleaf[k] = leaves[left], 1
            if right in interior:
                fnode[k], fleaf[k] = interior[right], 0
            else:
                fnode[k], fleaf[k] = leaves[right], 1
        roots.append(interior[0])
    # scikit-learn compares float32 features with float64 thresholds stored as float32-exact
    # values after fitting on float32 data; keep the thresholds as float32.
    f32 = lambda a: numpy_helper.from_array(np.array(a, dtype=np.float32))  # noqa: E731
    node = helper.make_node(
        "TreeEnsemble", ["X"], ["Y"], domain="ai.onnx.ml",
        n_targets=1, aggregate_function=1,  # SUM (the leaf weights are pre-divided)
        post_transform=0, tree_roots=roots,
        nodes_modes=numpy_helper.from_array(np.array(modes, dtype=np.uint8)),
        nodes_featureids=feats, nodes_splits=f32(splits),
        nodes_truenodeids=tnode, nodes_trueleafs=tleaf, nodes_falsenodeids=fnode, nodes_falseleafs=fleaf,
        leaf_targetids=leaf_t, leaf_weights=f32(leaf_w))
    g = helper.make_graph([node], "tree_ensemble_v5",
                          [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, n_features])],
                          [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [None, 1])])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 21), helper.make_opsetid("ai.onnx.ml", 5)],
                          producer_name="onnx-explorer scripts/models/sklearn.py")
    m.ir_version = 10
    return m


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="output folder (replaced as a whole)")
    ap.add_argument("--contrib", action="store_true",
                    help="also write cases that use non-standard domains (com.microsoft)")
    ap.add_argument("--no-verify", action="store_true", help="skip the read-back check")
    ap.add_argument("--stamp", default="", help="first part of the .stamp line (set by the shell wrapper)")
    args = ap.parse_args()
    np.random.seed(0)
    suite = Suite(args.out, "sklearn", args.stamp or stamp_text(), contrib=args.contrib, versions=stamp_text())
    for group in (classifiers, regressors, boosters, unsupervised, preprocessing, dict_vectorizer,
                  text_pipelines, ml_graphs):
        log(f"{group.__name__}:")
        group(suite)
    if not args.no_verify:
        suite.verify()
        suite.reference_check()
    n = suite.finish()
    log(f"{n} cases written, {len(suite.skipped)} skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
