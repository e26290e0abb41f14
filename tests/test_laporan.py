"""The report's structure comes from the data: another agency's LKIP, laporan.yml, sections left out."""

import html
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import FIXTURE, FIXTURES  # the fixture agency, built once per run (fixture_build)

from lkip_helpers import paths
from lkip_helpers.data.loading import load_dataset
from lkip_helpers.errors import DataError
from lkip_helpers.report import laporan, laporan_file


def page_text(path: Path) -> str:
    """What a reader sees on a page: no markup, no embedded images, no styles."""
    t = path.read_text(encoding="utf-8")
    t = re.sub(r"<style.*?</style>", " ", t, flags=re.S)
    t = re.sub(r"<img[^>]*>", " ", t)
    return html.unescape(re.sub(r"<[^>]+>", " ", t))


@pytest.fixture(scope="module")
def fixture_manifest(fixture_build):
    return json.loads((fixture_build / "manifest.json").read_text(encoding="utf-8"))


def pmd_words() -> set[str]:
    """Text that belongs to the default dataset's agency and must not appear on another agency's pages."""
    folder = paths.dataset_dir(paths.DEFAULT_DATASET)
    meta = yaml.safe_load((folder / "metadata.yml").read_text(encoding="utf-8"))["dataset"]
    words = {
        "NTT",
        "Desa",
        "desa",
        "BUMDes",
        "Bumdes",
        "empat bidang",
        "tenaga kontrak",
        meta["province"],
        meta["agency"],
    }
    for table, col in [
        ("sasaran", "name"),
        ("indikator", "short_name"),
        ("anggaran", "uraian"),
        ("wilayah", "kabupaten"),
        ("unit_organisasi", "name"),
    ]:
        words |= {w for w in pd.read_csv(folder / f"{table}.csv", dtype=str)[col].dropna() if len(w) > 6}
    return words


@pytest.mark.slow
def test_fixture_builds_every_page(fixture_build, fixture_manifest):
    pages = {a["id"] for a in fixture_manifest["artifacts"] if a["kind"] == "page"}
    assert len([p for p in pages if p.startswith("indikator-")]) == 4  # four IKU below target
    for name in (
        "00_ringkasan_eksekutif",
        "01_bab1_pendahuluan",
        "02_bab2_perencanaan",
        "03_bab3_capaian",
        "04_anggaran",
        "05_audit_konsistensi",
        "07_kesiapan_lke",
    ):
        assert (fixture_build / "html" / f"{name}.html").is_file(), name


@pytest.mark.slow
def test_fixture_lke_page_says_what_lkip_lke_says(fixture_build, capsys, monkeypatch):
    from lkip_helpers.cli import main

    monkeypatch.setenv("LKIP_DATA_DIR", str(FIXTURES))
    assert main(["lke", "dinkes-lembahhijau-2023"]) == 0
    first = capsys.readouterr().out.splitlines()[0].split(": ", 1)[1]  # "Pelaporan Kinerja: … dari 15 (…)"
    assert first in page_text(fixture_build / "html" / "07_kesiapan_lke.html")


def test_fixture_pages_carry_no_text_of_another_agency(fixture_build):
    words = pmd_words()
    for page in sorted((fixture_build / "html").glob("*.html")):
        text = page_text(page)
        found = [w for w in words if re.search(r"(?<!\w)" + re.escape(w) + r"(?!\w)", text)]
        assert found == [], page.name
        assert "Traceback" not in text and "Error" not in text, page.name


def test_fixture_artifacts_follow_the_default_numbering(fixture_manifest):
    ids = [a["id"] for a in fixture_manifest["artifacts"] if a["kind"] != "page"]
    numbered = [i for i in ids if re.match(r"^(tabel|gambar)-\d", i)]
    # Bab II: Renstra and PK from the core tables; Bab III: capaian, RPJMD, IKK, anggaran. No earlier year,
    # no staff or region tables: nothing else is numbered.
    assert numbered == ["tabel-2.1", "tabel-2.2", "tabel-3.1", "tabel-3.2", "tabel-3.3", "tabel-3.4"]
    titles = {a["id"]: a["title"] for a in fixture_manifest["artifacts"]}
    assert titles["tabel-3.2"].startswith("Capaian Kinerja Tahun 2023 Dibandingkan Target Jangka Menengah")
    for left_out in (
        "gambar-1.1",
        "perubahan-pk",
        "audit-konsistensi",
        "kontribusi-rata-rata-2022",
        "grafik-tren-indikator",
        "penyebab-dan-rencana",
        "grafik-penempatan-kontrak",
    ):
        assert left_out not in ids
    assert "efisiensi-iku" in ids


def test_fixture_left_out_sections_say_which_table_fills_them(fixture_build):
    bab1 = page_text(fixture_build / "html" / "01_bab1_pendahuluan.html")
    for table in ("unit_organisasi.csv", "pegawai_total.csv", "wilayah.csv"):
        lines = [ln for ln in bab1.splitlines() if table in ln]
        assert len(lines) == 1 and "Bagian ini tidak ditampilkan" in lines[0], table
    audit = page_text(fixture_build / "html" / "05_audit_konsistensi.html")
    assert "Bagian ini tidak ditampilkan: isi nilai_tercetak.csv" in audit
    assert "tidak ada capaian tahun 2022" in audit  # no previous year: contributions left out, said why
    bab2 = page_text(fixture_build / "html" / "02_bab2_perencanaan.html")
    assert "tidak ada perubahan" in bab2


def test_fixture_numbers_and_notes_follow_its_data(fixture_build):
    t = pd.read_csv(fixture_build / "tables" / "tabel-3.2.csv")
    assert "target_akhir" in t.columns  # the RPJMD ends in 2026, after the report year
    bab3 = page_text(fixture_build / "html" / "03_bab3_capaian.html")
    assert "tahun 2023 belum tahun akhir RPJMD" in bab3 and "adalah tahun akhir RPJMD" not in bab3
    eff = pd.read_csv(fixture_build / "tables" / "efisiensi-iku.csv").set_index("indikator_id")
    assert set(eff.index) == {"puskesmas-paripurna", "persalinan-faskes", "stunting", "gizi-buruk"}
    # stunting is tied to kegiatan P2.01 through the IKK of its sasaran: Rp 1.104.615.500 of 1.380.000.000
    assert eff.loc["stunting", "serapan_pct"] == pytest.approx(1_104_615_500 / 1_380_000_000 * 100)
    anggaran = page_text(fixture_build / "html" / "04_anggaran.html")
    assert "Program/Kegiatan" in anggaran and "Program/Kegiatan/Sub" not in anggaran  # no sub-kegiatan level
    assert "Bab IV" in anggaran and "Belum ada rencana yang dinyatakan" in anggaran


# --- laporan.yml ----------------------------------------------------------------------------


@pytest.fixture()
def fixture_copy(tmp_path, monkeypatch):
    root = tmp_path / "data"
    shutil.copytree(FIXTURES / FIXTURE, root / FIXTURE)
    monkeypatch.setenv("LKIP_DATA_DIR", str(root))
    return root / FIXTURE


@pytest.mark.parametrize(
    "text, expected",
    [
        ("bagian:\n  tidak_ada: {id: tabel-9.9}\n", "bagian 'tidak_ada' tidak dikenal"),
        ("bagian:\n  capaian: {id: tabel-3.1, warna: merah}\n", "bagian 'capaian': kunci tidak dikenal"),
        ("bagian:\n  capaian: {judul: 'Capaian {tahun_depan}'}\n", "memuat '{tahun_depan}'"),
        (
            "bagian:\n  capaian: {id: tabel-3.1}\n  anggaran: {id: tabel-3.1}\n",
            "id dipakai lebih dari satu bagian: tabel-3.1",
        ),
        ("bagian:\n  iku_sasaran_program:\n    sp-x: {id: tabel-3.9}\n", "'sp-x' bukan sasaran_id tingkat program"),
        ("bagian:\n  capaian: {indikator: [stunting]}\n", "'indikator' hanya untuk iku_sasaran_program"),
        ("bagian: [1, 2]\n", "'bagian' harus berupa pemetaan"),
        ("judul: x\n", "kunci teratas yang dikenal hanya 'bagian'"),
    ],
)
def test_bad_laporan_yml_is_one_clear_message(fixture_copy, text, expected):
    (fixture_copy / "laporan.yml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as e:
        laporan_file.load(load_dataset(FIXTURE))  # what lkip validate and the build's plan call
    assert "laporan.yml" in str(e.value) and expected in str(e.value)
    assert "\n" not in str(e.value)


def test_validate_and_build_refuse_a_bad_laporan_yml_before_anything_is_built(
    fixture_copy, capsys, tmp_path, monkeypatch
):
    from lkip_helpers.cli import main

    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(tmp_path / "out"))
    (fixture_copy / "laporan.yml").write_text("bagian:\n  tidak_ada: {id: tabel-9.9}\n", encoding="utf-8")
    for verb in (["validate", FIXTURE], ["build", FIXTURE]):
        assert main(verb) != 0
        err = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("peringatan:")]
        assert len(err) == 1 and "laporan.yml" in err[0] and "'tidak_ada' tidak dikenal" in err[0], err
    assert not (tmp_path / "out" / FIXTURE).exists()


def test_laporan_yml_numbers_titles_and_chooses_indikator(fixture_copy):
    (fixture_copy / "laporan.yml").write_text(
        "bagian:\n  capaian: {id: tabel-3.7, judul: 'Capaian IKU {tahun} (dibanding {tahun_lalu})'}\n", encoding="utf-8"
    )
    ds = load_dataset(FIXTURE)
    plan = laporan.plan(ds)
    assert plan.get("capaian").id == "tabel-3.7" and plan.get("capaian").title == "Capaian IKU 2023 (dibanding 2022)"
    assert plan.get("capaian").label == "Tabel 3.7"
    # unnamed numbered sections of chapter 3 continue after the highest number laporan.yml uses
    assert plan.get("banding_rpjmd").id == "tabel-3.8" and plan.get("anggaran").id == "tabel-3.10"
    assert plan.get("renstra_outcome").id == "tabel-2.1"


def test_default_dataset_keeps_its_printed_numbers(ds):
    plan = laporan.plan(ds)
    assert plan.get("iku_sasaran_program", "sp-kemiskinan").id == "tabel-3.7"
    assert plan.get("ikk_sasaran_kegiatan", "sk-status-desa").id == "tabel-3.10"
    assert plan.get("wilayah").title.startswith("Rekapitulasi Jumlah Desa dan Kelurahan")
    assert plan.get("kontribusi").id == f"kontribusi-rata-rata-{ds.year - 1}"


def test_without_laporan_yml_the_default_dataset_is_numbered_from_its_sections(scratch):
    (scratch / "laporan.yml").unlink()
    ds = load_dataset(paths.DEFAULT_DATASET)
    plan = laporan.plan(ds)
    # Bab I: organisation, staff, education (stated as not available), region table
    assert [plan.get(k).id for k in ("struktur_organisasi", "komposisi_jabatan", "komposisi_pendidikan")] == [
        "gambar-1.1",
        "gambar-1.2",
        "gambar-1.3",
    ]
    assert plan.get("wilayah").id == "tabel-1.1"
    # the per-program tables follow the sasaran program / kegiatan tree, however many there are
    per = [(k, i) for (k, i) in plan.artifacts if k in ("iku_sasaran_program", "ikk_sasaran_kegiatan")]
    assert per == [
        ("iku_sasaran_program", "sp-kemiskinan"),
        ("ikk_sasaran_kegiatan", "sk-kelembagaan"),
        ("iku_sasaran_program", "sp-pemerintahan-desa"),
        ("ikk_sasaran_kegiatan", "sk-status-desa"),
    ]
    numbers = [plan.get(k, i).id for k, i in per]
    assert numbers == sorted(numbers, key=lambda x: float(x.split("-")[1].split(".")[1]))
    from lkip_helpers.report import tables as reports

    assert len(reports.iku_sasaran_program(ds, "sp-kemiskinan").frame) == 6  # every IKU of the sasaran above it


def test_unchanged_pk_perubahan_is_normal(scratch):
    d = pd.read_csv(scratch / "dokumen_perencanaan.csv", dtype=str)
    awal = d[d["document"] == "pk_awal"]
    d = pd.concat([d[d["document"] != "pk_perubahan"], awal.assign(document="pk_perubahan", source_table="Tabel 2.4")])
    d.to_csv(scratch / "dokumen_perencanaan.csv", index=False)
    ds = load_dataset(paths.DEFAULT_DATASET)
    plan = laporan.plan(ds)
    assert plan.get("pk_perubahan") is not None and plan.get("perubahan_pk") is None
    assert plan.reason("perubahan_pk") == "tidak ada perubahan antara PK awal dan PK Perubahan"
    from lkip_helpers.report import narrative

    assert "tidak ada perubahan" in narrative.planning_changes(ds)


def test_unknown_indikator_in_laporan_yml(scratch):
    text = (
        (scratch / "laporan.yml")
        .read_text(encoding="utf-8")
        .replace("indikator: [bumdes-aktif]", "indikator: [tidak-ada]")
    )
    (scratch / "laporan.yml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as e:
        laporan_file.load(load_dataset(paths.DEFAULT_DATASET))
    assert "laporan.yml" in str(e.value) and "iku_sasaran_program.sp-kemiskinan" in str(e.value)


def test_drilldown_default_is_the_first_indikator_below_target(tmp_path, monkeypatch):
    """06_indikator as papermill runs it without ``indikator`` (its parameters cell's default, None)."""
    import nbexec

    monkeypatch.setenv("LKIP_DATA_DIR", str(FIXTURES))
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "hasil"
    failure = nbexec.run_notebook(
        paths.NOTEBOOKS_DIR / "06_indikator.ipynb", {"dataset": FIXTURE, "output_dir": str(out)}
    )
    assert failure is None, failure
    # lowest capaian of the fixture: dengue incidence, 27,5 against a target of 20 (lower is better)
    assert (out / "tables" / "indikator-dbd-fakta.csv").is_file()
    assert not list((out / "tables").glob("indikator-stunting-*"))  # one indicator's page, not the others'
