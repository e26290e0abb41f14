"""The LKIP as an agency hands it in, opened as an evaluator would: python-docx and pypdf.

Three agencies unlike each other: the default dataset (a provincial dinas with every optional
table), the test fixture (a kabupaten dinas with core tables only) and a ministry unit written
here, filled only with core tables, as a final report and as a draft. Expected values are
written by hand (or transcribed from the seed report), never taken from the code under test.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from docx import Document as open_docx
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from pypdf import PdfReader

from lkip_helpers import paths
from lkip_helpers.data.loading import load_dataset
from lkip_helpers.report.dokumen import files, verification_files, write_documents
from lkip_helpers.report.dokumen.compose import gaps

pytestmark = pytest.mark.slow  # reads two builds, writes Word and PDF files for the ministry unit

FIXTURE = Path(__file__).parent / "fixtures" / "dinkes-lembahhijau-2023"
MINISTRY = "kemen-contoh-2023"
LEADS = (  # what every IKU's account in Bab III A holds, each from data or a place to fill
    "Target dan realisasi",
    "Perkembangan dari tahun ke tahun.",
    "Dibandingkan target jangka menengah.",
    "Dibandingkan pembanding.",
    "Penyebab dan upaya.",
    "Program dan kegiatan pendukung.",
    "Efisiensi penggunaan sumber daya.",
)
# Words of the tool, never of an LKIP: ids, file and column names, parameter hints, the package.
TOOL_WORDS = re.compile(
    r"\bid:|\b\d{4}\.0\b|\w+_pct\b|\.csv\b|\.yml\b|\bparameter\b|lkip_helpers|\bdataset\b|"
    r"\b[a-z]+_[a-z_]+\b|Bagian ini tidak ditampilkan|narasi\b|\bisi (tabel|kolom)\b",
    re.IGNORECASE,
)


def _ministry(root: Path, draft: bool) -> None:
    """A ministry unit with the core tables only: 2 sasaran, 3 IKU (one lower-is-better), 2 programs."""
    d = root / (MINISTRY + ("-draf" if draft else ""))
    d.mkdir(parents=True)
    status = "  status: draft\n" if draft else ""
    (d / "metadata.yml").write_text(
        "dataset:\n"
        f"  id: {d.name}\n"
        "  agency: Direktorat Jenderal Contoh\n"
        "  agency_short: Ditjen Contoh\n"
        "  region: Kementerian Contoh\n"
        "  year: 2023\n"
        "  jenis_instansi: kementerian\n"
        "  rencana_jangka_menengah: Renstra\n"
        f"{status}"
        "  source_document: Data uji rekaan\n"
        "  synthetic: true\n",
        encoding="utf-8",
    )
    (d / "sasaran.csv").write_text(
        "sasaran_id,level,parent_id,nomor,name\n"
        "ss-layanan,strategis,,1,Meningkatnya mutu layanan publik\n"
        "ss-tata,strategis,,2,Meningkatnya tata kelola\n",
        encoding="utf-8",
    )
    (d / "indikator.csv").write_text(
        "indikator_id,kind,sasaran_id,parent_id,nomor,name,short_name,unit,polarity,kode_rekening\n"
        "ikm,iku,ss-layanan,,1,Indeks kepuasan masyarakat,IKM,indeks,higher,\n"
        "aduan,iku,ss-layanan,,2,Jumlah aduan yang tidak selesai,Aduan terbuka,aduan,lower,\n"
        "opini,iku,ss-tata,,1,Nilai evaluasi SAKIP,Nilai SAKIP,nilai,higher,P2\n",
        encoding="utf-8",
    )
    (d / "target.csv").write_text(
        "indikator_id,year,basis,target\nikm,2023,pk,80\naduan,2023,pk,50\nopini,2023,pk,70\nikm,2024,rpjmd,85\n",
        encoding="utf-8",
    )
    real = "" if draft else "82"
    (d / "realisasi.csv").write_text(
        f"indikator_id,year,realisasi\nikm,2023,{real}\naduan,2023,40\nopini,2023,65\nikm,2022,78\n",
        encoding="utf-8",
    )
    (d / "anggaran.csv").write_text(
        "kode_rekening,parent_kode,level,uraian,pagu_rp,realisasi_rp\n"
        "P1,,program,Program Layanan Publik,,\n"
        "P1.01,P1,kegiatan,Survei Kepuasan Masyarakat,100000000,90000000\n"
        "P2,,program,Program Dukungan Manajemen,,\n"
        "P2.01,P2,kegiatan,Penyusunan Laporan Kinerja,50000000,40000000\n",
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def written(tmp_path_factory, built, fixture_build):
    """Word and PDF of both documents for every agency, as a build writes them: the session's builds of the
    default dataset and the fixture agency, and the ministry unit's (final and draft) written here."""
    work = tmp_path_factory.mktemp("lkip")
    data = work / "data"
    shutil.copytree(paths.dataset_dir(paths.DEFAULT_DATASET), data / paths.DEFAULT_DATASET)
    shutil.copytree(FIXTURE, data / FIXTURE.name)
    _ministry(data, draft=False)
    _ministry(data, draft=True)
    mp = pytest.MonkeyPatch()
    mp.setenv("LKIP_DATA_DIR", str(data))
    out = {paths.DEFAULT_DATASET: built, FIXTURE.name: fixture_build}
    for name in (MINISTRY, MINISTRY + "-draf"):
        out[name] = work / "out" / name
        write_documents(out[name], load_dataset(name))
    yield {name: (load_dataset(name), folder) for name, folder in out.items()}
    mp.undo()


ALL = (paths.DEFAULT_DATASET, FIXTURE.name, MINISTRY, MINISTRY + "-draf")


def _docx(written, name):
    ds, folder = written[name]
    return open_docx(str(folder / files(ds.id)[0]))


def _text(d) -> str:
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        parts += [c.text for row in t.rows for c in row.cells]
    return "\n".join(parts)


def _bab3a(d) -> list[tuple[str, list[str]]]:
    """(IKU heading, the paragraphs under it) for every level-3 "Indikator …" heading of Bab III."""
    out, inside, current = [], False, None
    for p in d.paragraphs:
        style = p.style.name
        if style == "Heading 1":
            inside = p.text.startswith("BAB III")
        if not inside:
            continue
        if style.startswith("Heading"):
            current = None
            if style == "Heading 3" and p.text.startswith("Indikator"):
                current = (p.text, [])
                out.append(current)
        elif current is not None:
            current[1].append(p.text)
    return out


@pytest.mark.parametrize("name", ALL)
def test_every_iku_has_its_account_in_bab_iii(written, name):
    ds, _ = written[name]
    d = _docx(written, name)
    accounts = _bab3a(d)
    names = list(ds.indikator.loc[ds.indikator["kind"] == "iku", "name"])
    expected = {"pmd-ntt-2023": 9, FIXTURE.name: 6, MINISTRY: 3, MINISTRY + "-draf": 3}[name]  # measured IKU rows
    assert len(accounts) == expected, [h for h, _ in accounts]
    for heading, paras in accounts:
        assert any(n in heading for n in names), heading
        for lead in LEADS:
            assert any(t.startswith(lead) for t in paras), (name, heading, lead)


def test_draft_marks_what_is_missing_and_final_says_it_plainly(written):
    draft = _text(_docx(written, MINISTRY + "-draf"))
    final = _text(_docx(written, MINISTRY))
    # the draft's IKM has no realisasi, no benchmark, no stated cause: a highlighted place for each
    assert "[diisi: realisasi 2023 indikator IKM]" in draft
    assert "[diisi: nilai pembanding nasional atau instansi lain untuk IKM]" in draft
    assert "[diisi: penyebab tidak tercapainya target Aduan terbuka" not in draft  # lower is better: 40 ≤ 50 reached
    assert "[diisi: penyebab tercapainya target Aduan terbuka dan upaya yang dilakukan]" in draft
    assert "[diisi: latar belakang" in draft
    signatory = (
        "[diisi: tempat dan tanggal penandatanganan]",
        "[diisi: nama penandatangan]",
        "[diisi: pangkat/golongan]",
        "[diisi: NIP]",
    )
    assert all(s in final for s in signatory)  # the signatory is always asked for
    for s in signatory:
        final = final.replace(s, "")
    assert "[diisi:" not in final
    # a final report leaves out what has no data, and says so where an evaluator looks for it
    assert "Latar Belakang" not in final
    assert "Data pembanding nasional atau instansi lain belum tersedia." in final


def test_ministry_wording_and_medium_term_plan(written):
    text = _text(_docx(written, MINISTRY))
    assert "kementerian" in text and "perangkat daerah" not in text
    assert "Target akhir Renstra (2024) 85 indeks; realisasi 2023 setara 96,47% dari target itu." in text  # 82/85
    assert "RPJMD" not in text


def test_efisiensi_only_where_the_target_was_reached_for_less(written):
    text = _text(_docx(written, MINISTRY))
    # Nilai SAKIP: 65 of 70 (92,86 %), P2 spent 40 of 50 million (80 %): both short -> not efficiency
    assert "Capaian 92,86% dan serapan 80,00% sama-sama di bawah rencana" in text
    assert "efisien." not in text.split("Nilai evaluasi SAKIP")[-1].split("Indikator")[0]


def test_seed_numbers_in_bab_iii(written):
    """Tabel 3.1 of the seed report: realisasi and capaian of the nine IKU rows and the average 82,32."""
    d = _docx(written, paths.DEFAULT_DATASET)
    table = next(
        t for t in d.tables if [c.text for c in t.rows[0].cells][:2] == ["Sasaran Strategis", "Indikator Kinerja"]
    )
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert [r[4] for r in rows[:9]] == ["1.476", "104", "675", "5.867", "100", "100", "84,09", "51,09", "37,74"]
    assert [r[5] for r in rows[:9]] == [
        "98,40",
        "104,00",
        "77,32",
        "88,20",
        "100,00",
        "100,00",
        "84,09",
        "51,09",
        "37,74",
    ]
    assert rows[-1][5] == "82,32"


def test_seed_causes_reach_their_iku(written):
    """The cause the seed states for the BUMDes indicator (narasi n01) stands in that IKU's account."""
    accounts = dict(_bab3a(_docx(written, paths.DEFAULT_DATASET)))
    bumdes = next(p for h, p in accounts.items() if "BUMDes Aktif" in h)
    assert any("penyediaan pendamping profesional di Desa di bidang perekonomian" in t for t in bumdes)


@pytest.mark.parametrize("name", ALL)
def test_no_tool_text(written, name):
    text = _text(_docx(written, name))
    hits = sorted({m.group(0) for m in TOOL_WORDS.finditer(text)})
    assert not hits, hits


@pytest.mark.parametrize("name", ALL)
def test_word_fields_styles_and_sections(written, name):
    d = _docx(written, name)
    body = d.element.body
    instr = [t.text.strip() for t in body.iter(qn("w:instrText"))]
    assert any(i.startswith('TOC \\o "1-3"') for i in instr)  # Daftar Isi
    assert any('\\c "Tabel"' in i for i in instr) and any('\\c "Gambar"' in i for i in instr)
    assert sum(i.startswith("SEQ Tabel") for i in instr) == len(d.tables)  # every table captioned by a field
    styles = {s.style_id: s.name for s in d.styles}
    for tbl in body.iter(qn("w:tbl")):
        style = tbl.find(qn("w:tblPr")).find(qn("w:tblStyle"))
        assert style is not None and styles[style.get(qn("w:val"))] == "Tabel LKIP"
    # one section for the front matter, then one per change of orientation
    orient = [s.orientation for s in d.sections]
    assert orient[:2] == [WD_ORIENT.PORTRAIT, WD_ORIENT.PORTRAIT]
    assert all(a != b for a, b in zip(orient[1:], orient[2:])), orient
    formats = [s._sectPr.find(qn("w:pgNumType")) for s in d.sections[:2]]
    assert formats[0].get(qn("w:fmt")) == "lowerRoman" and formats[1].get(qn("w:start")) == "1"


def test_verification_note_carries_the_audit(written):
    ds, folder = written[paths.DEFAULT_DATASET]
    note = open_docx(str(folder / verification_files(ds.id)[0]))
    text = _text(note)
    assert "Konsistensi angka tercetak" in text and "angka tercetak dibandingkan" in text
    assert len(note.tables) >= 2  # the audit findings and the averaging methods
    lkip = _text(_docx(written, paths.DEFAULT_DATASET))
    assert "angka tercetak dibandingkan" not in lkip and "Konsistensi" not in lkip


def test_gaps_listed_for_validate(written):
    ds, _ = written[MINISTRY]
    listed = gaps(ds)
    assert "latar belakang penyusunan laporan kinerja dan kedudukan instansi" in listed
    assert "nilai pembanding nasional atau instansi lain untuk IKM" in listed


@pytest.mark.parametrize("name", (paths.DEFAULT_DATASET, MINISTRY))
def test_pdf_follows_the_same_model(written, name):
    ds, folder = written[name]
    pdf = PdfReader(str(folder / files(ds.id)[1]))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    word = _docx(written, name)
    for p in word.paragraphs:
        if p.style.name == "Heading 3" and p.text.startswith("Indikator"):
            assert p.text.split()[1] in text  # each IKU account, in the same order of numbering
    assert "Daftar Tabel" in text and "Daftar Gambar" in text
    assert "lkip_helpers" not in text and pdf.metadata.author == ds.meta["dataset"]["agency"]
