"""Your own table: detection, columns, task, split, standardisation and every bad input."""
from __future__ import annotations

import json

import numpy as np
import pytest

from playground.core.data import registry as datasets
from playground.core.data import table_reader, tables
from playground.core.data.table_reader import ReadOptions, TableError, read_table, sniff
from playground.core.experiment import Experiment


def _flowers(rng, per_class=40):
    """Rows sorted by class, labels as words, columns from 0.01 to thousands."""
    rows = []
    for c, name in enumerate(("setosa", "versicolor", "virginica")):
        for _ in range(per_class):
            rows.append((0.02 + 0.01 * rng.normal(c, 0.4), 3000 + 1000 * rng.normal(c, 0.4),
                         rng.normal(-c, 0.4), name))
    return rows


@pytest.fixture
def flowers(tmp_path):
    path = tmp_path / "flowers.csv"
    rows = _flowers(np.random.default_rng(0))
    path.write_text("tiny,huge,mid,species\n" +
                    "".join(f"{a:.5f},{b:.1f},{m:.4f},{s}\n" for a, b, m, s in rows))
    return path


def _table(experiment=None, **changes) -> Experiment:
    return (experiment or Experiment(dataset="csv")).replace(**changes)


def _ready(path, **changes) -> Experiment:
    """An experiment on `path` with the loss and settings the data starts from."""
    experiment = Experiment(dataset="csv", csv=str(path), **changes)
    followed = datasets.follow("csv", experiment.loss, "xor", experiment)
    return experiment.replace(**{k: v for k, v in followed.items() if k not in changes})


# ----- detection ------------------------------------------------------------------------------

def test_a_comma_file_with_a_header_and_word_labels(flowers):
    layout, preview = sniff(flowers)
    assert (layout.delimiter, layout.decimal, layout.encoding, layout.header) == \
        (",", ".", "utf-8", True)
    assert layout.columns == ("tiny", "huge", "mid", "species")
    assert layout.kinds == ("number", "number", "number", "text")
    assert list(preview.columns) == list(layout.columns) and preview.iloc[0, 3] == "setosa"


def test_semicolons_with_decimal_commas_and_a_bom(tmp_path):
    path = tmp_path / "messwerte.csv"
    path.write_bytes("\ufeffbreite;länge;gewicht\n1,5;2,25;10\n3,5;4,75;20\n5,0;1,5;30\n"
                     .encode("utf-8"))
    layout, _ = sniff(path)
    assert (layout.delimiter, layout.decimal, layout.encoding) == (";", ",", "utf-8-sig")
    assert layout.columns == ("breite", "länge", "gewicht")  # no BOM glued to the first name
    table = read_table(path)
    assert table.numbers["länge"].tolist() == [2.25, 4.75, 1.5]
    assert layout.kinds[2] == "integer"


def test_latin1_tabs_and_no_header(tmp_path):
    path = tmp_path / "mesures.txt"
    path.write_bytes("1.5\t2\tété\n2.5\t3\thiver\n3.5\t4\tété\n4.5\t1\thiver\n"
                     .encode("latin-1"))
    layout, _ = sniff(path)
    assert (layout.delimiter, layout.encoding, layout.header) == ("\t", "latin-1", False)
    assert layout.columns == ("column 1", "column 2", "column 3")
    codes, names = read_table(path).texts["column 3"]
    assert set(names) == {"été", "hiver"}


def test_quoted_cells_may_hold_the_delimiter(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('a,b,label\n1,2,"big, red"\n3,4,"small"\n5,6,"big, red"\n')
    layout, _ = sniff(path)
    assert layout.quoted and layout.delimiter == ","
    assert read_table(path).texts["label"][1] == ("big, red", "small")


def test_a_delimiter_ending_every_line_and_windows_line_ends(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"a,b,kind,\r\n1,2,x,\r\n3,4,y,\r\n5,6,x,\r\n7,8,y,\r\n9,1,x,\r\n")
    layout, _ = sniff(path)
    assert layout.columns == ("a", "b", "kind", "column 4")
    assert layout.kinds == ("integer", "integer", "text", "empty")
    data = datasets.load(_ready(path, batch_size=2))
    assert data.feature_names == ("a", "b") and data.class_names == ("x", "y")


def test_each_detection_can_be_overridden(tmp_path):
    path = tmp_path / "n.csv"
    path.write_text("1;2;3\n4;5;6\n7;8;9\n")
    assert not sniff(path)[0].header
    assert sniff(path, ReadOptions(header="yes"))[0].columns == ("1", "2", "3")
    with pytest.raises(TableError, match="do not split into two or more columns at tabs"):
        sniff(path, ReadOptions(delimiter="\t"))


# ----- task, classes, split, standardisation --------------------------------------------------

def test_word_labels_keep_their_names_and_make_a_classification(flowers):
    experiment = _ready(flowers, target="species")
    assert experiment.task == "classification" and experiment.loss == "sparse-categorical"
    data = datasets.load(experiment)
    assert data.class_names == ("setosa", "versicolor", "virginica")
    assert data.feature_names == ("tiny", "huge", "mid")


def test_few_whole_numbers_are_classes_and_other_numbers_a_regression(tmp_path):
    path = tmp_path / "n.csv"
    rng = np.random.default_rng(1)
    path.write_text("x,grade,price\n" + "".join(
        f"{v:.3f},{i % 3 + 1},{1000 * v + 5:.2f}\n" for i, v in enumerate(rng.random(30))))
    assert _ready(path, target="grade").task == "classification"
    assert datasets.load(_ready(path, target="grade")).class_names == ("1", "2", "3")
    priced = _ready(path, target="price")
    assert priced.task == "regression" and priced.loss == "mse"
    assert datasets.load(priced).labels_train.dtype == np.float32
    # The detection can be overridden: the grade as a number to predict.
    assert _ready(path, target="grade", table_task="regression").task == "regression"


def test_rows_sorted_by_class_are_shuffled_then_split_by_class(flowers):
    data = datasets.load(_ready(flowers, test_fraction=0.25, validation_split=0.2))
    assert np.bincount(data.labels_test).tolist() == [10, 10, 10]  # 0.25 of each 40
    assert len(data.x_train) + len(data.x_val) == 90
    assert len(set(data.labels_train[:10].tolist())) > 1  # not one class after another
    assert set(data.labels_val.tolist()) == {0, 1, 2}
    again = datasets.load(_ready(flowers, test_fraction=0.25, validation_split=0.2))
    assert np.array_equal(again.x_test, data.x_test)  # seeded
    other = datasets.load(_ready(flowers, test_fraction=0.25, seed=5))
    assert not np.array_equal(other.x_test, data.x_test)


def test_inputs_are_standardised_from_the_training_rows_unless_switched_off(flowers):
    data = datasets.load(_ready(flowers))
    assert np.allclose(data.x_train.mean(axis=0), 0, atol=1e-5)
    assert np.allclose(data.x_train.std(axis=0), 1, atol=1e-4)
    assert not np.allclose(data.x_test.mean(axis=0), 0, atol=1e-5)  # the test rows' own
    raw = datasets.load(_ready(flowers, standardize=False))
    assert raw.x_train[:, 1].mean() > 1000 and raw.x_train[:, 0].max() < 0.1


def test_input_columns_can_be_chosen(flowers):
    data = datasets.load(_ready(flowers, input_columns="huge, mid"))
    assert data.feature_names == ("huge", "mid") and data.is_plane


# ----- missing and unreadable cells -----------------------------------------------------------

@pytest.fixture
def holes(tmp_path):
    path = tmp_path / "holes.csv"
    rows = [f"{i},{i * 2},{'a' if i % 2 else 'b'}" for i in range(12)]
    rows[2] = "2,,a"        # line 4: an empty cell
    rows[5] = "5,NA,b"      # line 7: a missing mark
    rows[8] = "8,eight,a"   # line 10: text in a numeric column
    path.write_text("x,y,label\n" + "\n".join(rows) + "\n\n")  # a blank line at the end
    return path


def test_rows_with_missing_or_unreadable_cells_are_dropped_and_counted(holes):
    experiment = _ready(holes, batch_size=4)
    assert experiment.validate() == []
    assert datasets.load(experiment).rows == 9
    about = datasets.get("csv").describe(experiment, datasets.load(experiment))
    assert "3 rows with missing or unreadable cells dropped (lines 4, 7, 10)" in about


def test_or_refused_naming_the_line_and_column(holes):
    errors = _ready(holes, batch_size=4, missing="refuse").validate()
    assert [(e.field, e.message) for e in errors] == \
        [("missing", "holes.csv line 4, column 'y': empty cell")]
    path = holes.with_name("text.csv")
    path.write_text("x,y,label\n1,2,a\n3,three,b\n" + "5,6,a\n7,8,b\n" * 4)
    errors = _ready(path, input_columns="x,y", missing="refuse", batch_size=2).validate()
    assert errors[0].message == "text.csv line 3, column 'y': not a number"


# ----- bad input: one line naming the file ---------------------------------------------------

@pytest.mark.parametrize("content, message", [
    (b"", "empty.csv: is empty"),
    (b"a,b,c\n", "empty.csv: has a header row but no rows of data"),
    (b"x\n1\n2\n3\n", "empty.csv: has one column"),
    (b"a,b,c\n1,2,3\n4,5\n6,7,8\n", "empty.csv: line 3 has 2 fields where line 1 has 3"),
    (b"a,b\n1,2\n3,4\n5,6,7\n", "empty.csv: line 4 has 3 fields where line 1 has 2"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, "empty.csv: is not a text table"),
    (b"PK\x03\x04\x14\x00\x06\x00" * 10, "empty.csv: is a zip archive or an Excel workbook"),
    ("a,b\n1,2\n".encode("utf-16"), "empty.csv: is UTF-16 text; save it as CSV in UTF-8"),
])
def test_bad_files_get_one_line_naming_the_file(tmp_path, content, message):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    errors = _table(csv=str(path)).validate()
    assert len(errors) >= 1 and errors[0].field == "csv"
    assert errors[0].message.startswith(message)
    assert "\n" not in errors[0].message


def test_rows_of_different_lengths_past_the_first_lines(tmp_path, monkeypatch):
    monkeypatch.setattr(table_reader, "SNIFF_BYTES", 64)  # the sample sees good rows only
    path = tmp_path / "long.csv"
    path.write_text("a,b,c\n" + "1,2,3\n" * 40 + "4,5,6,7\n")
    with pytest.raises(TableError) as error:
        read_table(path)
    assert str(error.value) == "long.csv: line 42 has 4 fields where the header has 3 (rows " \
                               "of different lengths)"


def test_a_missing_file_and_a_folder(tmp_path):
    assert _table(csv=str(tmp_path / "gone.csv")).validate()[0].message == \
        "gone.csv: no such file"
    assert "is a folder" in _table(csv=str(tmp_path)).validate()[0].message


def test_columns_that_do_not_fit(flowers):
    def message(**changes):
        errors = _ready(flowers, **changes).validate()
        return errors[0].field, errors[0].message

    assert message(target="colour") == ("target", "flowers.csv has no column 'colour'; its "
                                         "columns are tiny, huge, mid, species")
    assert message(target="mid", input_columns="tiny,species") == (
        "input_columns", "flowers.csv: column 'species' holds text, not numbers; leave it out "
                         "of the inputs")
    assert message(input_columns="tiny,species")[1] == "'species' is the target; it cannot " \
                                                       "also be an input"
    assert message(target="species", table_task="regression")[0] == "table_task"


def test_a_target_with_one_class(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("a,b,kind\n1,2,cat\n3,4,cat\n5,6,cat\n7,8,cat\n")
    errors = _ready(path).validate()
    assert errors[0].message == "one.csv: the target 'kind' has one class ('cat'); there is " \
                                "nothing to tell apart"


def test_a_file_larger_than_memory_is_refused_before_reading(flowers, monkeypatch):
    monkeypatch.setattr(table_reader, "available_memory", lambda: 1000)
    with pytest.raises(TableError, match=r"flowers.csv: is 0.0 GB, more than this computer's "
                                         r"free memory"):
        read_table(flowers)


def test_a_read_reports_progress_and_can_be_cancelled(flowers, monkeypatch):
    monkeypatch.setattr(table_reader, "CHUNK_ROWS", 50)
    shares = []
    read_table(flowers, progress=shares.append)
    assert len(shares) == 3 and shares[-1] == 1.0 and shares == sorted(shares)
    with pytest.raises(table_reader.Cancelled):
        read_table(flowers, cancelled=lambda: True)


# ----- the exported script and the command line ------------------------------------------------

def test_the_script_reads_the_same_rows_the_same_way(tmp_path):
    path = tmp_path / "s.csv"
    rng = np.random.default_rng(3)
    path.write_bytes(("a;b;y\n" + "".join(f"{u:.3f};{v:.3f};{['no', 'yes'][int(u > v)]}\n"
                     .replace(".", ",") for u, v in rng.random((40, 2)))).encode("latin-1"))
    experiment = _ready(path, validation_split=0.25)
    lines, n_inputs, names = tables.script(experiment)
    scope = {"np": np, "SEED": experiment.seed}
    exec("\n".join(lines), scope)  # noqa: S102 - the generated data lines, as the script runs
    data = datasets.load(experiment)
    assert (n_inputs, names) == (2, ("no", "yes"))
    assert np.allclose(scope["x_test"], data.x_test, atol=1e-5)
    assert np.array_equal(scope["labels_test"], data.labels_test)
    assert np.allclose(scope["x"][:len(data.x_train)], data.x_train, atol=1e-5)


def test_show_as_keras_code_writes_a_whole_script_for_a_table(flowers):
    from playground.core.files.codegen import keras_script

    script = keras_script(_ready(flowers))
    compile(script, "table.py", "exec")  # a script Python can run
    assert f"CSV_FILE = {str(flowers)!r}" in script
    assert "CLASS_NAMES = ['setosa', 'versicolor', 'virginica']" in script


def test_cli_trains_on_a_table_and_names_its_classes(flowers, capsys):
    from playground.cli.commands import main

    code = main(["train", "--csv", str(flowers), "--target", "species", "--hidden", "8",
                 "--optimizer", "adam", "--lr", "0.02", "--epochs", "30", "--json", "--quiet"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0
    assert result["classes"] == ["setosa", "versicolor", "virginica"]
    assert result["final"]["test_accuracy"] > 0.8


def test_cli_refuses_bad_tables_with_exit_code_2(flowers, tmp_path, capsys):
    from playground.cli.commands import main

    assert main(["train", "--csv", str(flowers), "--target", "colour"]) == 2
    assert capsys.readouterr().err.startswith("error: --target: flowers.csv has no column "
                                              "'colour'")
    assert main(["train", "--csv", str(tmp_path / "gone.csv")]) == 2
    assert capsys.readouterr().err == "error: --csv: gone.csv: no such file\n"
    assert main(["train", "--csv", str(flowers), "--task", "guess"]) == 2
    assert "--task" in capsys.readouterr().err


def test_a_saved_experiment_keeps_its_table_and_opens_without_the_file(flowers, tmp_path,
                                                                       monkeypatch, capsys):
    from playground.cli.commands import main
    from playground.core.files.experiment_file import read_run

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    saved = tmp_path / "run.playground"
    assert main(["train", "--csv", str(flowers), "--epochs", "2", "--quiet",
                 "--save", str(saved)]) == 0
    capsys.readouterr()
    original = flowers.read_bytes()
    flowers.unlink()  # as on another computer
    experiment = read_run(saved).experiment
    assert experiment.csv != str(flowers) and experiment.csv.endswith("flowers.csv")
    assert open(experiment.csv, "rb").read() == original
    assert datasets.load(experiment).class_names == ("setosa", "versicolor", "virginica")


def test_pandas_loads_only_when_a_table_is_opened():
    # pandas takes a second or more to import: the window and the command line start without it.
    import subprocess
    import sys

    code = ("import sys, playground.ui.main_window, playground.cli.commands, "
            "playground.core.files.experiment_file; print('pandas' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""}, check=True)
    assert result.stdout.strip() == "False"


def test_cli_json_gives_a_regressions_test_errors_in_the_files_units(tmp_path, capsys):
    from playground.cli.commands import main

    path = tmp_path / "prices.csv"
    rng = np.random.default_rng(2)
    rows = [(a, b, 3 * a + 0.002 * b + rng.normal(0, 0.1))
            for a, b in zip(rng.uniform(0, 1, 200), rng.uniform(100, 2000, 200))]
    path.write_text("a;b;price\n" + "".join(f"{a:.4f};{b:.1f};{p:.4f}\n".replace(".", ",")
                                            for a, b, p in rows))
    code = main(["train", "--csv", str(path), "--hidden", "8", "--optimizer", "adam", "--lr",
                 "0.02", "--epochs", "40", "--batch-size", "16", "--json", "--quiet"])
    final = json.loads(capsys.readouterr().out)["final"]
    assert code == 0
    assert final["test_r2"] > 0.8
    assert final["test_mse"] > 0 and final["test_mae"] > 0
