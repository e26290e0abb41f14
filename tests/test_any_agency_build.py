"""End to end: agencies of other shapes build with zero failures, and no page carries another agency's text.

The fixture agency (tests/fixtures; the session's build of it, reused), an agency written here
through the five core tables only, and three ``lkip synth`` datasets of deliberately different
shapes are built together with ``lkip build ... --jobs 2``.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from docx import Document

from lkip_helpers.cli import main
from lkip_helpers.data import synth
from lkip_helpers.data.schema import OPTIONAL_TABLES

pytestmark = pytest.mark.slow
FIXTURE = Path(__file__).parent / "fixtures" / "dinkes-lembahhijau-2023"
# text of the sample agency (pmd-ntt-2023) that no other agency's page may carry unless its own data do
SAMPLE_TEXT = [
    "Nusa Tenggara Timur",
    "NTT",
    "BUMDes",
    "Bumdes",
    "Lomba Desa",
    "Kupang",
    "PMD",
    "Pemberdayaan Masyarakat",
    "empat bidang",
    "tenaga kontrak",
    "Dinas PMD",
]  # table numbers are derived, not foreign

BLANK = {
    "metadata.yml": "dataset:\n  id: bapenda-batuampar-2024\n  agency: Badan Pendapatan Daerah\n"
    "  region: Kota Batu Ampar\n  year: 2024\n  source_document: Diisi untuk uji (rekaan)\n",
    "sasaran.csv": "sasaran_id,level,parent_id,nomor,name\n"
    "ss-pad,strategis,,1,Meningkatnya pendapatan asli daerah\n"
    "ss-layanan,strategis,,2,Meningkatnya kualitas pelayanan pajak daerah\n",
    "indikator.csv": "indikator_id,kind,sasaran_id,parent_id,nomor,name,short_name,unit,polarity,kode_rekening\n"
    "pad,iku,ss-pad,,1,Realisasi pendapatan asli daerah,Realisasi PAD,miliar rupiah,higher,\n"
    "tunggakan,iku,ss-pad,,2,Rasio tunggakan pajak daerah,Tunggakan pajak,%,lower,\n"
    "ikm-pajak,iku,ss-layanan,,3,Indeks kepuasan wajib pajak,Kepuasan wajib pajak,indeks,higher,\n",
    "target.csv": "indikator_id,year,basis,target\npad,2024,pk,412.5\ntunggakan,2024,pk,8\nikm-pajak,2024,pk,82\n",
    "realisasi.csv": "indikator_id,year,realisasi\npad,2024,398.75\ntunggakan,2024,9.5\nikm-pajak,2024,84.1\n",
    "anggaran.csv": "kode_rekening,parent_kode,level,uraian,pagu_rp,realisasi_rp\n"
    "P1,,program,Program Pengelolaan Pendapatan Daerah,,\n"
    "P1.01,P1,kegiatan,Pendataan dan Penetapan Pajak Daerah,2150000000,1987400000\n"
    "P1.02,P1,kegiatan,Pelayanan dan Penagihan Pajak Daerah,1320000000,1101250000\n",
}

SHAPES = {
    # one sasaran, program -> kegiatan budget, nothing optional, ministries' lower formula, four bands, a kota
    "synth-kecil-2023": synth.Shape(
        n_strategis=1,
        iku_per_sasaran=(3,),
        lower_share=0.35,
        anggaran="program",
        n_roots=2,
        region_kind="kota",
        lower_formula="target_over_realisasi",
        scale="empat",
        cap_pct=None,
        average="rows",
    ),
    # a province with every level, every optional table, long history, RPJMD ending later, kode budget of two urusan
    "synth-besar-2023": synth.Shape(
        n_strategis=5,
        program_level=True,
        kegiatan_level=True,
        iku_per_sasaran=(1, 2, 1, 1, 2),
        ikk_per_leaf=1,
        sub_rows=True,
        lower_share=0.2,
        history_years=4,
        historis_years=2,
        rpjmd_after=3,
        anggaran="kode",
        n_roots=2,
        organisasi_level=True,
        optional=frozenset(OPTIONAL_TABLES),
        region_kind="provinsi",
        average="sasaran",
        cap_pct=120.0,
        scale="baik",
        typo=True,
    ),
    # a draft kabupaten agency half filled in, with some optional tables
    "synth-draf-2023": synth.Shape(
        n_strategis=3,
        program_level=True,
        iku_per_sasaran=(2, 1, 2),
        ikk_per_leaf=2,
        lower_share=0.5,
        history_years=1,
        anggaran="kode",
        n_roots=1,
        optional=frozenset({"unit_organisasi", "pegawai_total", "pegawai", "narasi", "dokumen_perencanaan"}),
        region_kind="kabupaten",
        draft=True,
        scale="tinggi",
    ),
}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.hrefs = [], []

    def handle_starttag(self, tag, attrs):
        self.hrefs += [v for k, v in attrs if k == "href"]

    def handle_data(self, data):
        self.parts.append(data)


def _page_text(path: Path) -> tuple[str, list[str]]:
    p = _Text()
    p.feed(path.read_text(encoding="utf-8"))
    return " ".join(p.parts), p.hrefs


def _data_text(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.iterdir()) if p.is_file()).replace("_", " ")


def _contains(text: str, needle: str) -> bool:
    """``needle`` as a whole phrase, ignoring case ("tenaga kontrak" also matches data's "Tenaga Kontrak")."""
    return re.search(rf"(?<![\w-]){re.escape(needle)}(?![\w-])", text, re.IGNORECASE) is not None


def test_other_agencies_build_and_carry_no_foreign_text(tmp_path, monkeypatch, capsys, fixture_build):
    data, outputs = tmp_path / "data", tmp_path / "outputs"
    monkeypatch.setenv("LKIP_DATA_DIR", str(data))
    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(outputs))
    shutil.copytree(FIXTURE, data / FIXTURE.name)
    shutil.copytree(fixture_build, outputs / FIXTURE.name)  # the session's build of the same data: reused
    blank = data / "bapenda-batuampar-2024"
    blank.mkdir()
    for name, text in BLANK.items():
        (blank / name).write_text(text, encoding="utf-8")
    for n, (ds_id, shape) in enumerate(SHAPES.items(), 1):
        synth.write_dataset(ds_id, shape, random.Random(1000 + n), 2023, label=f"uji {n}")
    ids = sorted(p.name for p in data.iterdir())
    assert len(ids) == 5

    code = main(["build", *ids, "--jobs", "2"])
    out, err = capsys.readouterr()
    assert code == 0 and "gagal" not in err, err
    assert f"[{FIXTURE.name}] tidak berubah" in out  # the four others are built here

    texts = {i: _data_text(data / i) for i in ids}
    others = {
        i: [
            str(yaml.safe_load((data / i / "metadata.yml").read_text(encoding="utf-8"))["dataset"][k])
            for k in ("agency", "region")
        ]
        for i in ids
    }
    for ds_id in ids:
        pages = sorted((outputs / ds_id / "html").glob("*.html"))
        assert len(pages) >= 7, (ds_id, pages)
        foreign = set(SAMPLE_TEXT) | {s for o, names in others.items() if o != ds_id for s in names}
        foreign = {s for s in foreign if not _contains(texts[ds_id], s)}
        for page in pages:
            text, hrefs = _page_text(page)
            found = sorted(s for s in foreign if _contains(text, s))
            assert not found, (ds_id, page.name, found)
            assert all(not h.startswith(("http:", "https:", "javascript:", "//")) for h in hrefs), (page.name, hrefs)

    from lkip_helpers.analysis.audit import audit
    from lkip_helpers.data.loading import load_dataset

    for ds_id in ids:  # the manifest's count (read from the build's audit table) against the audit itself
        angka_ringkasan = json.loads((outputs / ds_id / "manifest.json").read_text(encoding="utf-8"))["headline"]
        ds = load_dataset(ds_id)
        # no printed values (nilai_tercetak absent or empty): nothing was audited, which is not "0 findings"
        expected = len(audit(ds)[0]) if ds.has("nilai_tercetak") else None
        assert angka_ringkasan["n_temuan_audit"] == expected, ds_id

    index, hrefs = _page_text(outputs / "index.html")
    assert sorted({h.split("/")[0] for h in hrefs}) == ids  # one row (and its links) per agency-year
    for ds_id in ids:  # every agency gets its LKIP document, linked from the overview, free of other agencies' text
        docs = [f"{ds_id}/dokumen/lkip-{ds_id}.docx", f"{ds_id}/dokumen/lkip-{ds_id}.pdf"]
        assert all((outputs / d).is_file() and d in hrefs for d in docs), (ds_id, hrefs)
        word = Document(str(outputs / docs[0]))
        text = "\n".join(
            [p.text for p in word.paragraphs] + [c.text for t in word.tables for row in t.rows for c in row.cells]
        )
        foreign = {
            s
            for s in set(SAMPLE_TEXT) | {n for o, names in others.items() if o != ds_id for n in names}
            if not _contains(texts[ds_id], s)
        }
        assert not sorted(s for s in foreign if _contains(text, s)), ds_id
    assert "Badan Pendapatan Daerah" in index and "Kota Batu Ampar" in index
