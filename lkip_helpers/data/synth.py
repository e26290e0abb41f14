"""Synthetic agency-year datasets of varied shapes, for tests and benchmarks.

Draw a :class:`Shape` (how many sasaran and indicators, which levels and optional
tables, history, budget form, capaian policy, region, draft or final) from a seeded
generator -> fill it with plausible Bahasa Indonesia names and numbers -> write the
folder through :mod:`lkip_helpers.data.saving` (staged, validated like ``lkip validate``,
then moved into place). Every dataset says ``synthetic: true``; every page says so.
The same seed always gives the same datasets.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

import pandas as pd

from lkip_helpers.data import saving
from lkip_helpers.data.schema import OPTIONAL_TABLES, TABLES

# --- vocabulary: themes of agencies ------------------------------------------------------------
# Each indicator: (name, short name, unit, polarity, (low, high) of a plausible target).
_GENERIC_IND = [
    (
        "Indeks Kepuasan Masyarakat terhadap pelayanan perangkat daerah",
        "Indeks kepuasan masyarakat",
        "indeks",
        "higher",
        (70, 90),
    ),
    ("Nilai evaluasi SAKIP perangkat daerah", "Nilai SAKIP", "nilai", "higher", (60, 85)),
    ("Persentase dokumen perencanaan dan pelaporan yang tepat waktu", "Dokumen tepat waktu", "%", "higher", (80, 100)),
    ("Persentase temuan pemeriksaan yang ditindaklanjuti", "Tindak lanjut temuan", "%", "higher", (70, 100)),
    ("Jumlah pengaduan masyarakat yang belum diselesaikan", "Pengaduan belum selesai", "pengaduan", "lower", (5, 40)),
    ("Persentase aparatur yang mengikuti peningkatan kompetensi", "Aparatur terlatih", "%", "higher", (50, 100)),
]
THEMES = [
    {
        "agency": "Dinas Kesehatan",
        "short": "Dinkes",
        "urusan": ("1.02", "URUSAN PEMERINTAHAN BIDANG KESEHATAN"),
        "sasaran": [
            "Meningkatnya derajat kesehatan masyarakat",
            "Meningkatnya akses dan mutu pelayanan kesehatan dasar",
            "Menurunnya prevalensi stunting dan masalah gizi",
            "Terkendalinya penyakit menular",
            "Meningkatnya perilaku hidup bersih dan sehat",
            "Meningkatnya mutu pelayanan kesehatan rujukan",
        ],
        "ind": [
            ("Persentase puskesmas terakreditasi paripurna", "Puskesmas paripurna", "%", "higher", (40, 90)),
            (
                "Persentase persalinan di fasilitas pelayanan kesehatan",
                "Persalinan di faskes",
                "%",
                "higher",
                (85, 100),
            ),
            ("Cakupan imunisasi dasar lengkap", "Imunisasi dasar lengkap", "%", "higher", (80, 98)),
            ("Prevalensi stunting pada balita", "Prevalensi stunting", "%", "lower", (12, 30)),
            ("Angka kematian ibu", "Kematian ibu", "per 100.000 kelahiran hidup", "lower", (80, 250)),
            ("Angka keberhasilan pengobatan TBC", "Keberhasilan pengobatan TBC", "%", "higher", (80, 95)),
            ("Jumlah desa yang melaksanakan STBM", "Desa STBM", "desa", "higher", (40, 300)),
            ("Angka kesakitan demam berdarah", "Kesakitan DBD", "per 100.000 penduduk", "lower", (10, 50)),
            ("Jumlah posyandu aktif yang melapor setiap bulan", "Posyandu aktif", "posyandu", "higher", (200, 1200)),
        ],
        "program": [
            "PROGRAM PEMENUHAN UPAYA KESEHATAN PERORANGAN DAN UPAYA KESEHATAN MASYARAKAT",
            "PROGRAM PENINGKATAN KAPASITAS SUMBER DAYA MANUSIA KESEHATAN",
            "PROGRAM PEMBERDAYAAN MASYARAKAT BIDANG KESEHATAN",
            "PROGRAM SEDIAAN FARMASI, ALAT KESEHATAN DAN MAKANAN MINUMAN",
        ],
        "objek": [
            "pelayanan kesehatan ibu dan anak",
            "imunisasi",
            "gizi masyarakat",
            "pengendalian penyakit menular",
            "puskesmas",
            "kader kesehatan",
            "surveilans",
            "obat dan perbekalan kesehatan",
        ],
    },
    {
        "agency": "Dinas Pendidikan dan Kebudayaan",
        "short": "Disdikbud",
        "urusan": ("1.01", "URUSAN PEMERINTAHAN BIDANG PENDIDIKAN"),
        "sasaran": [
            "Meningkatnya akses pendidikan yang merata",
            "Meningkatnya mutu pendidikan dasar",
            "Meningkatnya kualitas pendidik dan tenaga kependidikan",
            "Terlestarikannya cagar budaya daerah",
            "Meningkatnya partisipasi pendidikan anak usia dini",
            "Menurunnya angka putus sekolah",
        ],
        "ind": [
            ("Angka partisipasi kasar SMP/MTs", "APK SMP", "%", "higher", (85, 100)),
            ("Angka partisipasi murni SD/MI", "APM SD", "%", "higher", (90, 100)),
            ("Angka putus sekolah jenjang SMP", "Putus sekolah SMP", "%", "lower", (0.5, 3)),
            ("Persentase guru bersertifikat pendidik", "Guru bersertifikat", "%", "higher", (50, 90)),
            ("Rata-rata lama sekolah", "Rata-rata lama sekolah", "tahun", "higher", (7, 10)),
            ("Jumlah sekolah terakreditasi A", "Sekolah akreditasi A", "sekolah", "higher", (20, 200)),
            ("Persentase ruang kelas dalam kondisi rusak berat", "Ruang kelas rusak berat", "%", "lower", (5, 25)),
            ("Jumlah cagar budaya yang ditetapkan", "Cagar budaya ditetapkan", "objek", "higher", (3, 30)),
        ],
        "program": [
            "PROGRAM PENGELOLAAN PENDIDIKAN",
            "PROGRAM PENDIDIK DAN TENAGA KEPENDIDIKAN",
            "PROGRAM PENGEMBANGAN KURIKULUM",
            "PROGRAM PELESTARIAN DAN PENGELOLAAN CAGAR BUDAYA",
        ],
        "objek": [
            "sarana sekolah dasar",
            "bantuan operasional sekolah",
            "guru dan tenaga kependidikan",
            "pendidikan anak usia dini",
            "kurikulum muatan lokal",
            "cagar budaya",
            "perpustakaan sekolah",
        ],
    },
    {
        "agency": "Dinas Pertanian dan Ketahanan Pangan",
        "short": "Distan",
        "urusan": ("3.27", "URUSAN PEMERINTAHAN BIDANG PERTANIAN"),
        "sasaran": [
            "Meningkatnya produksi tanaman pangan",
            "Meningkatnya kesejahteraan petani",
            "Meningkatnya ketersediaan pangan masyarakat",
            "Meningkatnya populasi ternak",
            "Meningkatnya penerapan teknologi pertanian",
            "Terkendalinya serangan organisme pengganggu tanaman",
        ],
        "ind": [
            ("Produksi padi", "Produksi padi", "ton", "higher", (20000, 150000)),
            ("Produktivitas jagung", "Produktivitas jagung", "kuintal/ha", "higher", (35, 70)),
            ("Nilai tukar petani", "Nilai tukar petani", "indeks", "higher", (95, 115)),
            ("Skor pola pangan harapan", "Skor PPH", "skor", "higher", (75, 95)),
            ("Populasi sapi potong", "Populasi sapi", "ekor", "higher", (5000, 60000)),
            ("Luas serangan organisme pengganggu tanaman", "Luas serangan OPT", "ha", "lower", (100, 2000)),
            (
                "Jumlah kelompok tani yang menerapkan teknologi budidaya",
                "Poktan berteknologi",
                "kelompok",
                "higher",
                (20, 300),
            ),
        ],
        "program": [
            "PROGRAM PENYEDIAAN DAN PENGEMBANGAN SARANA PERTANIAN",
            "PROGRAM PENYEDIAAN DAN PENGEMBANGAN PRASARANA PERTANIAN",
            "PROGRAM PENYULUHAN PERTANIAN",
            "PROGRAM PENGENDALIAN KESEHATAN HEWAN DAN KESEHATAN MASYARAKAT VETERINER",
        ],
        "objek": [
            "benih unggul",
            "pupuk bersubsidi",
            "alat dan mesin pertanian",
            "irigasi tersier",
            "penyuluh pertanian",
            "vaksinasi ternak",
            "cadangan pangan",
        ],
    },
    {
        "agency": "Dinas Sosial",
        "short": "Dinsos",
        "urusan": ("1.06", "URUSAN PEMERINTAHAN BIDANG SOSIAL"),
        "sasaran": [
            "Meningkatnya kesejahteraan sosial penyandang masalah kesejahteraan sosial",
            "Menurunnya jumlah penduduk miskin",
            "Meningkatnya perlindungan sosial korban bencana",
            "Meningkatnya pelayanan rehabilitasi sosial",
            "Meningkatnya peran potensi sumber kesejahteraan sosial",
            "Meningkatnya kualitas data terpadu kesejahteraan sosial",
        ],
        "ind": [
            ("Persentase PMKS yang tertangani", "PMKS tertangani", "%", "higher", (40, 90)),
            ("Persentase penduduk miskin", "Penduduk miskin", "%", "lower", (5, 20)),
            ("Jumlah korban bencana yang menerima bantuan", "Korban bencana terbantu", "jiwa", "higher", (100, 3000)),
            (
                "Persentase data terpadu kesejahteraan sosial yang dimutakhirkan",
                "DTKS mutakhir",
                "%",
                "higher",
                (60, 100),
            ),
            ("Jumlah anak terlantar yang direhabilitasi", "Anak terlantar direhabilitasi", "anak", "higher", (20, 400)),
            ("Jumlah keluarga penerima manfaat yang graduasi", "KPM graduasi", "keluarga", "higher", (50, 2000)),
        ],
        "program": [
            "PROGRAM REHABILITASI SOSIAL",
            "PROGRAM PERLINDUNGAN DAN JAMINAN SOSIAL",
            "PROGRAM PENANGANAN BENCANA",
            "PROGRAM PEMBERDAYAAN SOSIAL",
        ],
        "objek": [
            "penyandang disabilitas",
            "lanjut usia terlantar",
            "korban bencana alam",
            "data kesejahteraan sosial",
            "pekerja sosial masyarakat",
            "keluarga miskin",
        ],
    },
    {
        "agency": "Dinas Lingkungan Hidup",
        "short": "DLH",
        "urusan": ("2.11", "URUSAN PEMERINTAHAN BIDANG LINGKUNGAN HIDUP"),
        "sasaran": [
            "Meningkatnya kualitas lingkungan hidup",
            "Meningkatnya pengelolaan sampah",
            "Terkendalinya pencemaran air dan udara",
            "Meningkatnya ruang terbuka hijau",
            "Meningkatnya ketaatan usaha terhadap izin lingkungan",
            "Meningkatnya partisipasi masyarakat dalam pelestarian lingkungan",
        ],
        "ind": [
            ("Indeks kualitas lingkungan hidup", "IKLH", "indeks", "higher", (55, 75)),
            ("Persentase sampah yang tertangani", "Sampah tertangani", "%", "higher", (50, 90)),
            ("Jumlah sampah yang dibuang ke TPA", "Sampah ke TPA", "ton/hari", "lower", (50, 400)),
            ("Indeks kualitas air", "Indeks kualitas air", "indeks", "higher", (45, 70)),
            ("Luas ruang terbuka hijau publik", "Luas RTH publik", "ha", "higher", (50, 600)),
            ("Jumlah kasus pencemaran lingkungan", "Kasus pencemaran", "kasus", "lower", (3, 40)),
            ("Jumlah bank sampah aktif", "Bank sampah aktif", "unit", "higher", (10, 150)),
        ],
        "program": [
            "PROGRAM PENGELOLAAN PERSAMPAHAN",
            "PROGRAM PENGENDALIAN PENCEMARAN DAN/ATAU KERUSAKAN LINGKUNGAN HIDUP",
            "PROGRAM PENINGKATAN PENDIDIKAN, PELATIHAN DAN PENYULUHAN LINGKUNGAN HIDUP",
            "PROGRAM PERENCANAAN LINGKUNGAN HIDUP",
        ],
        "objek": [
            "tempat pemrosesan akhir",
            "bank sampah",
            "pemantauan kualitas air",
            "ruang terbuka hijau",
            "izin lingkungan",
            "adiwiyata sekolah",
        ],
    },
    {
        "agency": "Dinas Perhubungan",
        "short": "Dishub",
        "urusan": ("2.15", "URUSAN PEMERINTAHAN BIDANG PERHUBUNGAN"),
        "sasaran": [
            "Meningkatnya keselamatan lalu lintas",
            "Meningkatnya pelayanan angkutan umum",
            "Meningkatnya konektivitas antarwilayah",
            "Meningkatnya kelaikan kendaraan bermotor",
            "Meningkatnya ketertiban parkir",
            "Meningkatnya kinerja jaringan jalan",
        ],
        "ind": [
            ("Jumlah kecelakaan lalu lintas", "Kecelakaan lalu lintas", "kejadian", "lower", (50, 600)),
            ("Persentase kendaraan wajib uji yang lulus uji berkala", "Kendaraan lulus uji", "%", "higher", (60, 95)),
            ("Jumlah trayek angkutan umum yang beroperasi", "Trayek beroperasi", "trayek", "higher", (5, 40)),
            (
                "Persentase ruas jalan dengan perlengkapan jalan memadai",
                "Perlengkapan jalan memadai",
                "%",
                "higher",
                (40, 85),
            ),
            ("Rata-rata waktu tempuh angkutan antarkecamatan", "Waktu tempuh", "menit", "lower", (30, 120)),
        ],
        "program": [
            "PROGRAM PENYELENGGARAAN LALU LINTAS DAN ANGKUTAN JALAN",
            "PROGRAM PENGELOLAAN PELAYARAN",
            "PROGRAM PENGELOLAAN PERKERETAAPIAN",
        ],
        "objek": [
            "rambu dan marka jalan",
            "uji kendaraan bermotor",
            "terminal penumpang",
            "angkutan perintis",
            "penerangan jalan umum",
        ],
    },
    {
        "agency": "Dinas Koperasi, Usaha Kecil dan Menengah",
        "short": "Diskop UKM",
        "urusan": ("2.17", "URUSAN PEMERINTAHAN BIDANG KOPERASI, USAHA KECIL, DAN MENENGAH"),
        "sasaran": [
            "Meningkatnya koperasi yang sehat",
            "Meningkatnya daya saing usaha mikro",
            "Meningkatnya akses pembiayaan usaha kecil",
            "Meningkatnya kewirausahaan masyarakat",
            "Meningkatnya pemasaran produk usaha kecil",
            "Meningkatnya kualitas kelembagaan koperasi",
        ],
        "ind": [
            ("Persentase koperasi aktif", "Koperasi aktif", "%", "higher", (40, 80)),
            ("Jumlah koperasi sehat", "Koperasi sehat", "koperasi", "higher", (20, 300)),
            ("Jumlah usaha mikro yang naik kelas", "Usaha mikro naik kelas", "unit usaha", "higher", (50, 1500)),
            ("Persentase kredit bermasalah koperasi simpan pinjam", "Kredit bermasalah KSP", "%", "lower", (2, 12)),
            ("Jumlah wirausaha baru", "Wirausaha baru", "orang", "higher", (100, 2000)),
        ],
        "program": [
            "PROGRAM PENGAWASAN DAN PEMERIKSAAN KOPERASI",
            "PROGRAM PEMBERDAYAAN USAHA MENENGAH, USAHA KECIL, DAN USAHA MIKRO",
            "PROGRAM PENGEMBANGAN UMKM",
            "PROGRAM PENDIDIKAN DAN LATIHAN PERKOPERASIAN",
        ],
        "objek": [
            "pemeriksaan koperasi",
            "pelatihan kewirausahaan",
            "pameran produk",
            "sertifikasi halal",
            "akses permodalan",
        ],
    },
    {
        "agency": "Dinas Kelautan dan Perikanan",
        "short": "DKP",
        "urusan": ("3.25", "URUSAN PEMERINTAHAN BIDANG KELAUTAN DAN PERIKANAN"),
        "sasaran": [
            "Meningkatnya produksi perikanan tangkap",
            "Meningkatnya produksi perikanan budidaya",
            "Meningkatnya kesejahteraan nelayan",
            "Terjaganya kelestarian sumber daya pesisir",
            "Meningkatnya mutu hasil perikanan",
            "Meningkatnya konsumsi ikan masyarakat",
        ],
        "ind": [
            ("Produksi perikanan tangkap", "Produksi ikan tangkap", "ton", "higher", (5000, 60000)),
            ("Produksi perikanan budidaya", "Produksi budidaya", "ton", "higher", (1000, 30000)),
            ("Nilai tukar nelayan", "Nilai tukar nelayan", "indeks", "higher", (95, 115)),
            ("Angka konsumsi ikan", "Konsumsi ikan", "kg/kapita/tahun", "higher", (25, 55)),
            ("Luas kawasan konservasi perairan yang rusak", "Kawasan konservasi rusak", "ha", "lower", (50, 900)),
            (
                "Jumlah kelompok pengolah hasil perikanan yang bersertifikat",
                "Pengolah bersertifikat",
                "kelompok",
                "higher",
                (5, 80),
            ),
        ],
        "program": [
            "PROGRAM PENGELOLAAN PERIKANAN TANGKAP",
            "PROGRAM PENGELOLAAN PERIKANAN BUDIDAYA",
            "PROGRAM PENGOLAHAN DAN PEMASARAN HASIL PERIKANAN",
            "PROGRAM PENGELOLAAN KELAUTAN, PESISIR DAN PULAU-PULAU KECIL",
        ],
        "objek": ["kapal penangkap ikan", "benih ikan", "sarana pengolahan", "kawasan konservasi", "pasar ikan"],
    },
]
_PENUNJANG = [
    "Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah",
    "Administrasi Keuangan Perangkat Daerah",
    "Administrasi Umum Perangkat Daerah",
    "Penyediaan Jasa Penunjang Urusan Pemerintahan Daerah",
]
_PENUNJANG_SUB = [
    "Penyusunan Dokumen Perencanaan Perangkat Daerah",
    "Penyediaan Gaji dan Tunjangan ASN",
    "Penyediaan Bahan Logistik Kantor",
    "Penyediaan Jasa Pelayanan Umum Kantor",
    "Koordinasi dan Penyusunan Laporan Keuangan Akhir Tahun SKPD",
    "Evaluasi Kinerja Perangkat Daerah",
]
_KEGIATAN_VERB = [
    "Penyediaan",
    "Fasilitasi",
    "Pembinaan",
    "Pengembangan",
    "Peningkatan",
    "Pengelolaan",
    "Koordinasi",
    "Pemantauan dan Evaluasi",
]
_PLACE_A = [
    "Lembah",
    "Bukit",
    "Tanjung",
    "Sungai",
    "Teluk",
    "Gunung",
    "Danau",
    "Muara",
    "Padang",
    "Rimba",
    "Karang",
    "Pantai",
]
_PLACE_B = [
    "Hijau",
    "Jernih",
    "Permai",
    "Sejahtera",
    "Makmur",
    "Indah",
    "Raya",
    "Sari",
    "Lestari",
    "Damai",
    "Cemerlang",
    "Mulia",
]
_DESA_A = ["Sumber", "Mekar", "Suka", "Tunas", "Karya", "Bina", "Harapan", "Jaya"]
_DESA_B = ["Rejo", "Mulya", "Maju", "Baru", "Asri", "Makmur", "Tani", "Bakti"]
SCALES = {
    "tinggi": [(91, "Sangat Tinggi"), (76, "Tinggi"), (66, "Sedang"), (51, "Rendah"), (0, "Sangat Rendah")],
    "baik": [(90, "Sangat Baik"), (75, "Baik"), (65, "Cukup"), (50, "Kurang"), (0, "Sangat Kurang")],
    "empat": [(85, "Sangat Baik"), (70, "Baik"), (55, "Cukup"), (0, "Kurang")],
}
LOWER_FORMULAS = ("two_target_minus", "target_over_realisasi")


@dataclass(frozen=True)
class Shape:
    """What varies between agencies; :func:`draw_shape` draws one, tests may build their own."""

    n_strategis: int = 2  # sasaran strategis, 1-6
    program_level: bool = False  # sasaran program under each strategis
    kegiatan_level: bool = False  # sasaran kegiatan under each program (needs program_level)
    iku_per_sasaran: tuple[int, ...] = (2, 2)  # per strategis, 1-5
    ikk_per_leaf: int = 0  # IKK per lowest sasaran, 0-3
    sub_rows: bool = False  # one IKU measured through two sub-rows
    lower_share: float = 0.0  # share of lower-is-better indicators
    history_years: int = 0  # earlier years with RPJMD target and realisasi, 0-4
    historis_years: int = 0  # older years with a published capaian only (capaian_historis)
    rpjmd_after: int = 0  # RPJMD final year minus report year, 0-3
    anggaran: str = "program"  # "kode" (urusan -> ... -> sub-kegiatan) or "program" (P1 -> P1.01)
    n_roots: int = 1  # top-level budget rows
    organisasi_level: bool = False  # "kode" budgets: an organisasi row between urusan and program
    optional: frozenset = field(default_factory=frozenset)  # optional tables present
    region_kind: str = "kabupaten"  # kabupaten | kota | provinsi
    average: str = "rows"  # rows | sasaran
    cap_pct: float | None = None
    lower_formula: str = "two_target_minus"
    scale: str = "tinggi"  # key of SCALES
    draft: bool = False
    typo: bool = False  # one printed value with a one-digit slip (an audit finding)


def draw_shape(rng: random.Random) -> Shape:
    """A random shape; every dimension of :class:`Shape` varies."""
    n = rng.randint(1, 6)
    program = rng.random() < 0.5
    optional = {t for t in OPTIONAL_TABLES if rng.random() < (0.7 if t == "nilai_tercetak" else 0.5)}
    region = rng.choice(["kabupaten", "kabupaten", "kota", "provinsi"])
    if region != "provinsi":
        optional.discard("wilayah")  # kabupaten/kota counts per kabupaten: a province's table
    if "pegawai" in optional:  # the breakdown refers to units and totals
        optional |= {"unit_organisasi", "pegawai_total"}
    history = rng.choice([0, 0, 1, 2, 3, 4])
    anggaran = rng.choice(["kode", "program"])
    return Shape(
        n_strategis=n,
        program_level=program,
        kegiatan_level=program and rng.random() < 0.5,
        iku_per_sasaran=tuple(rng.randint(1, 5) for _ in range(n)),
        ikk_per_leaf=rng.randint(0, 3),
        sub_rows=rng.random() < 0.2,
        lower_share=rng.choice([0.0, 0.0, 0.2, 0.35, 0.5]),
        history_years=history,
        historis_years=rng.randint(1, 3) if "capaian_historis" in optional else 0,
        rpjmd_after=rng.randint(0, 3),
        anggaran=anggaran,
        n_roots=rng.randint(1, 2 if anggaran == "kode" else 4),
        organisasi_level=anggaran == "kode" and rng.random() < 0.5,
        optional=frozenset(optional),
        region_kind=region,
        average=rng.choice(["rows", "sasaran"]),
        cap_pct=rng.choice([None, None, 110.0, 120.0, 150.0]),
        lower_formula=rng.choice(LOWER_FORMULAS),
        scale=rng.choice(list(SCALES)),
        draft=rng.random() < 0.2,
        typo=rng.random() < 0.4,
    )


def write_synthetic(n: int, seed: int = 1, year: int = 2023) -> list[str]:
    """Write ``n`` datasets ``synth-NNN-YEAR`` of varied shapes under the data folder; return their ids."""
    ids = []
    for i in range(1, n + 1):
        rng = random.Random(seed * 100003 + i)
        ds_id = f"synth-{i:03d}-{year}"
        write_dataset(ds_id, draw_shape(rng), rng, year, label=f"seed {seed}, nomor {i}", number=i)
        ids.append(ds_id)
    return ids


def write_dataset(
    ds_id: str, shape: Shape, rng: random.Random, year: int = 2023, label: str = "", number: int | None = None
):
    """Generate one dataset of ``shape`` and put it in ``data/<ds_id>/`` (replacing an older one); return its folder."""
    tables, meta = generate(shape, rng, ds_id, year, label, number)
    dest = saving.check_target(ds_id, force=True)
    header = "Data sintetis untuk uji dan benchmark (lkip synth); bukan laporan instansi mana pun."
    return saving.write_dataset(ds_id, dest, tables, saving.metadata_text(meta, header))


# --- generation ------------------------------------------------------------------------------------


def _slug(text: str, taken: set[str]) -> str:
    base = "-".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split()[:4])[:32].strip("-") or "indikator"
    out, k = base, 2
    while out in taken:
        out, k = f"{base}-{k}", k + 1
    taken.add(out)
    return out


def _round_value(x: float, unit: str) -> float:
    """Counts are whole numbers; percentages, indices and rates keep two decimals."""
    return float(round(x)) if x >= 20 and unit not in ("%", "indeks", "nilai", "skor") else round(x, 2)


def _rp(x: float) -> float:
    return float(round(x / 1000) * 1000)


def capaian(realisasi: float, target: float, polarity: str, lower_formula: str) -> float:
    """Capaian % as the synthetic report prints it: the policy's formula, never below 0 (NaN when undefined).

    >>> capaian(80, 100, "lower", "two_target_minus"), capaian(80, 100, "lower", "target_over_realisasi")
    (120.0, 125.0)
    >>> capaian(300, 100, "lower", "two_target_minus"), capaian(45, 60, "higher", "two_target_minus")
    (0.0, 75.0)
    """
    if target is None or realisasi is None or target == 0 or pd.isna(target) or pd.isna(realisasi):
        return float("nan")
    if polarity == "higher":
        value = realisasi / target * 100
    elif lower_formula == "target_over_realisasi":
        value = target / realisasi * 100 if realisasi else float("nan")
    else:
        value = (2 * target - realisasi) / target * 100
    return max(0.0, value)


class _Gen:
    """One dataset's tables, filled step by step from a shape and a generator."""

    def __init__(self, shape: Shape, rng: random.Random, ds_id: str, year: int):
        self.s, self.r, self.id, self.year = shape, rng, ds_id, year
        self.theme = rng.choice(THEMES)
        self.rows: dict[str, list[dict]] = {name: [] for name in TABLES}
        place = f"{rng.choice(_PLACE_A)} {rng.choice(_PLACE_B)}"
        self.province = f"{rng.choice(_PLACE_A)} {rng.choice(_PLACE_B)}"
        self.region = {
            "kabupaten": f"Kabupaten {place}",
            "kota": f"Kota {place}",
            "provinsi": f"Provinsi {self.province}",
        }[shape.region_kind]
        self.level_word = "Provinsi" if shape.region_kind == "provinsi" else "Kabupaten/Kota"

    # sasaran and indicators
    def sasaran(self) -> None:
        s, r = self.s, self.r
        names = r.sample(self.theme["sasaran"], s.n_strategis)
        self.leaves: list[str] = []
        self.strategis: list[str] = []
        for i, name in enumerate(names, 1):
            sid = f"ss-{i}"
            self.strategis.append(sid)
            self.rows["sasaran"].append(
                {"sasaran_id": sid, "level": "strategis", "parent_id": None, "nomor": str(i), "name": name}
            )
            if not s.program_level:
                self.leaves.append(sid)
                continue
            pid = f"sp-{i}"
            self.rows["sasaran"].append(
                {
                    "sasaran_id": pid,
                    "level": "program",
                    "parent_id": sid,
                    "nomor": str(i),
                    "name": f"{name} melalui program {r.choice(self.theme['objek'])}",
                }
            )
            if not s.kegiatan_level:
                self.leaves.append(pid)
                continue
            for k in range(1, r.randint(1, 2) + 1):
                kid = f"sk-{i}-{k}"
                self.rows["sasaran"].append(
                    {
                        "sasaran_id": kid,
                        "level": "kegiatan",
                        "parent_id": pid,
                        "nomor": f"{i}.{k}",
                        "name": f"Meningkatnya kualitas {r.choice(self.theme['objek'])}",
                    }
                )
                self.leaves.append(kid)

    def indikator(self) -> None:
        s, r = self.s, self.r
        pool = list(self.theme["ind"]) + list(_GENERIC_IND)
        r.shuffle(pool)
        pools = {p: [x for x in pool if x[3] == p] for p in ("higher", "lower")}
        used = {"higher": 0, "lower": 0}
        taken: set[str] = set()
        self.specs: dict[str, tuple] = {}
        total = sum(s.iku_per_sasaran)
        lower_slots = set(r.sample(range(total), round(s.lower_share * total)))
        k = 0
        for sid, n in zip(self.strategis, s.iku_per_sasaran):
            for j in range(1, n + 1):
                polarity = "lower" if k in lower_slots else "higher"
                choices, u = pools[polarity], used[polarity]
                name, short, unit, _, rng_ = choices[u % len(choices)]
                if u >= len(choices):  # more indicators than the vocabulary: the same measure in another area
                    name, short = (
                        f"{name} di kawasan prioritas {u // len(choices) + 1}",
                        f"{short} ({u // len(choices) + 1})",
                    )
                used[polarity] += 1
                k += 1
                iid = _slug(short, taken)
                row = {
                    "indikator_id": iid,
                    "kind": "iku",
                    "sasaran_id": sid,
                    "parent_id": None,
                    "nomor": f"{sid.split('-')[1]}.{j}",
                    "name": name,
                    "short_name": short,
                    "unit": unit,
                    "polarity": polarity,
                    "kode_rekening": None,
                }
                if s.sub_rows and k == 1:  # measured through two sub-rows (e.g. two groups of the same target)
                    row["unit"] = None
                    self.rows["indikator"].append(row)
                    for sub, where in (("a", "perkotaan"), ("b", "perdesaan")):
                        self.rows["indikator"].append(
                            {
                                **row,
                                "indikator_id": f"{iid}-{sub}",
                                "parent_id": iid,
                                "nomor": f"{row['nomor']}.{sub}",
                                "unit": unit,
                                "name": f"{name} ({where})",
                                "short_name": f"{short} {where}",
                            }
                        )
                        self.specs[f"{iid}-{sub}"] = (unit, polarity, rng_)
                    continue
                self.rows["indikator"].append(row)
                self.specs[iid] = (unit, polarity, rng_)
        self.iku = list(self.specs)
        shorts = {x["short_name"] for x in self.rows["indikator"]}  # chart labels must tell indicators apart
        for leaf in self.leaves:
            for j in range(1, self.s.ikk_per_leaf + 1):
                objek = r.choice(self.theme["objek"])
                unit = r.choice(["kegiatan", "dokumen", "laporan", "orang", "desa"])
                iid = _slug(f"ikk {objek} {j}", taken)
                self.rows["indikator"].append(
                    {
                        "indikator_id": iid,
                        "kind": "ikk",
                        "sasaran_id": leaf,
                        "parent_id": None,
                        "nomor": f"{leaf.split('-', 1)[1].replace('-', '.')}.{j}",
                        "name": f"Jumlah {unit} {r.choice(_KEGIATAN_VERB).lower()} {objek}",
                        "short_name": _unique(f"{objek.capitalize()} ({unit})", shorts),
                        "unit": unit,
                        "polarity": "higher",
                        "kode_rekening": None,
                    }
                )
                self.specs[iid] = (unit, "higher", (1, 50))

    # targets, realisasi, history
    def values(self) -> None:
        s, r, y = self.s, self.r, self.year
        final = y + s.rpjmd_after
        self.pk: dict[str, tuple[float, float | None]] = {}
        for iid, (unit, polarity, (lo, hi)) in self.specs.items():
            target = _round_value(r.uniform(lo, hi), unit)
            if target == 0:
                target = 1.0
            is_iku = iid in self.iku
            self.rows["target"].append(
                {"indikator_id": iid, "year": y, "basis": "pk", "target": target, "source_table": "Perjanjian Kinerja"}
            )
            real = self._realisasi(target, unit, polarity, is_iku)
            if s.draft and r.random() < 0.4:
                real = None
            self.pk[iid] = (target, real)
            self.rows["realisasi"].append(
                {"indikator_id": iid, "year": y, "realisasi": real, "source_table": "Pengukuran Kinerja"}
            )
            if not is_iku:
                continue
            step = r.uniform(0.01, 0.08) * (1 if polarity == "higher" else -1)
            for yy in sorted({y, final}):
                self.rows["target"].append(
                    {
                        "indikator_id": iid,
                        "year": yy,
                        "basis": "rpjmd",
                        "target": _round_value(target * (1 + step * (yy - y)), unit),
                        "source_table": "RPJMD",
                    }
                )
            for back in range(1, s.history_years + 1):
                t = _round_value(target * (1 - step * back), unit) or 1.0
                self.rows["target"].append(
                    {"indikator_id": iid, "year": y - back, "basis": "rpjmd", "target": t, "source_table": "RPJMD"}
                )
                self.rows["realisasi"].append(
                    {
                        "indikator_id": iid,
                        "year": y - back,
                        "realisasi": self._realisasi(t, unit, polarity, True),
                        "source_table": f"LKIP {y - back}",
                    }
                )
            for back in range(s.history_years + 1, s.history_years + s.historis_years + 1):
                published = None if r.random() < 0.15 else round(r.uniform(40, 160), 2)
                self.rows["capaian_historis"].append(
                    {
                        "indikator_id": iid,
                        "year": y - back,
                        "capaian_pct": published,
                        "source_table": f"LKIP {y - back}",
                    }
                )

    def _realisasi(self, target: float, unit: str, polarity: str, is_iku: bool) -> float:
        r = self.r
        if not is_iku:  # outputs: done, partly done, or not done
            return float(r.choice([round(target), round(target), round(target * r.uniform(0.3, 1.0)), 0]))
        if polarity == "lower":
            factor = r.choice([r.uniform(0.5, 1.0), r.uniform(0.9, 1.4), r.uniform(1.5, 3.0)])  # > 2: capaian floored
        else:
            factor = r.choice([r.uniform(0.3, 0.9), r.uniform(0.85, 1.15), r.uniform(1.0, 2.5)])
        value = _round_value(target * factor, unit)
        return min(value, 100.0) if unit == "%" and polarity == "higher" and r.random() < 0.7 else value

    # budget
    def anggaran(self) -> None:
        s, r = self.s, self.r
        programs = [("PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH " + self.level_word.upper(), True)]
        programs += [(p, False) for p in r.sample(self.theme["program"], min(len(self.theme["program"]), 3))]
        self.leaf_codes: list[str] = []
        self.program_codes: list[str] = []
        rows = self.rows["anggaran"]
        if s.anggaran == "program":
            n_prog = max(s.n_roots, 2)
            for p, (name, penunjang) in enumerate(programs[:n_prog], 1):
                code = f"P{p}"
                rows.append({"kode_rekening": code, "parent_kode": None, "level": "program", "uraian": name.title()})
                self.program_codes.append(code)
                for k, kname in enumerate(self._kegiatan_names(penunjang, r.randint(1, 3)), 1):
                    self._leaf(f"{code}.{k:02d}", code, "kegiatan", kname, penunjang)
            return
        urusan = [self.theme["urusan"]] + [
            t["urusan"] for t in r.sample([t for t in THEMES if t is not self.theme], s.n_roots - 1)
        ]
        for u, (ucode, uname) in enumerate(urusan):
            rows.append({"kode_rekening": ucode, "parent_kode": None, "level": "urusan", "uraian": uname})
            parent = ucode
            if s.organisasi_level:
                parent = f"{ucode}.0.00.0.00.{u + 1:02d}"
                rows.append(
                    {
                        "kode_rekening": parent,
                        "parent_kode": ucode,
                        "level": "organisasi",
                        "uraian": f"{self.theme['agency']} {self.region}",
                    }
                )
            mine = programs if u == 0 else r.sample(programs[1:], 1)
            for p, (name, penunjang) in enumerate(mine, 1):
                pcode = f"{ucode}.{p:02d}"
                rows.append({"kode_rekening": pcode, "parent_kode": parent, "level": "program", "uraian": name})
                self.program_codes.append(pcode)
                for k in range(1, r.randint(1, 2) + 1):
                    kcode = f"{pcode}.{'1' if s.region_kind == 'provinsi' else '2'}.{k:02d}"
                    kname = self._kegiatan_names(penunjang, 1)[0]
                    rows.append({"kode_rekening": kcode, "parent_kode": pcode, "level": "kegiatan", "uraian": kname})
                    for j, sname in enumerate(self._kegiatan_names(penunjang, r.randint(1, 3)), 1):
                        self._leaf(f"{kcode}.{j:02d}", kcode, "sub_kegiatan", sname, penunjang)

    def _kegiatan_names(self, penunjang: bool, n: int) -> list[str]:
        r = self.r
        if penunjang:
            return r.sample(_PENUNJANG + _PENUNJANG_SUB, n)
        return [
            f"{r.choice(_KEGIATAN_VERB)} {o}" for o in r.sample(self.theme["objek"], min(n, len(self.theme["objek"])))
        ]

    def _leaf(self, code: str, parent: str, level: str, name: str, penunjang: bool) -> None:
        r = self.r
        pagu = _rp(r.uniform(2e9, 9e9) if penunjang and "Gaji" in name else r.uniform(1e7, 2e9))
        if r.random() < 0.07:
            pagu = 0.0  # a budget line emptied in the amendment
        real = _rp(pagu * r.choice([r.uniform(0.85, 1.0), r.uniform(0.5, 0.95), r.uniform(0.0, 0.5)]))
        if self.s.draft and r.random() < 0.3:
            pagu, real = (None, None) if r.random() < 0.5 else (pagu, None)
        self.rows["anggaran"].append(
            {
                "kode_rekening": code,
                "parent_kode": parent,
                "level": level,
                "uraian": name,
                "pagu_rp": pagu,
                "realisasi_rp": real,
            }
        )
        self.leaf_codes.append(code)

    def link_ikk(self) -> None:
        """Tie most IKK to a budget leaf (the kegiatan that delivers them)."""
        work = [
            c for c in self.leaf_codes if not any(c.startswith(p) for p in self.program_codes[:1])
        ] or self.leaf_codes
        for row in self.rows["indikator"]:
            if row["kind"] == "ikk" and self.r.random() < 0.75:
                row["kode_rekening"] = self.r.choice(work)

    # optional tables
    def optional(self) -> None:
        for name in OPTIONAL_TABLES:
            if name in self.s.optional and not (TABLES[name].empty_in_draft and self.s.draft):
                getattr(self, f"_t_{name}", lambda: None)()

    def _t_dokumen_perencanaan(self) -> None:
        rows = self.rows["dokumen_perencanaan"]
        measured = [i for i in self.rows["indikator"] if i["kind"] == "iku" and i["indikator_id"] in self.pk]
        top = [i for i in self.rows["indikator"] if i["kind"] == "iku" and not i["parent_id"]]
        for n, i in enumerate(top, 1):
            rows.append(
                {
                    "document": "renstra",
                    "source_table": "Renstra",
                    "part": "outcome",
                    "nomor": str(n),
                    "sasaran_id": i["sasaran_id"],
                    "indikator_id": i["indikator_id"],
                    "kode_rekening": None,
                    "name": i["name"],
                    "target": None,
                    "target_unit": None,
                }
            )
        changed = self.r.random() < 0.5
        skipped = measured[-1]["indikator_id"] if self.r.random() < 0.2 else None  # PK leaves one out: a finding
        for doc, table in (("pk_awal", "PK Awal"), ("pk_perubahan", "PK Perubahan")):
            for n, i in enumerate(measured, 1):
                if doc == "pk_perubahan" and i["indikator_id"] == skipped:
                    continue
                target = self.pk[i["indikator_id"]][0]
                if doc == "pk_awal" and changed and n == 1:
                    target = _round_value(target * 0.9, i["unit"] or "")
                rows.append(
                    {
                        "document": doc,
                        "source_table": table,
                        "part": "outcome",
                        "nomor": str(n),
                        "sasaran_id": i["sasaran_id"],
                        "indikator_id": i["indikator_id"],
                        "kode_rekening": None,
                        "name": i["name"],
                        "target": target,
                        "target_unit": i["unit"],
                    }
                )

    def _t_sasaran_kegiatan(self) -> None:
        for sid in self.strategis:
            for code in self.r.sample(self.program_codes, min(len(self.program_codes), self.r.randint(1, 2))):
                self.rows["sasaran_kegiatan"].append(
                    {"sasaran_id": sid, "kode_rekening": code, "source_table": "Renstra"}
                )
        for row in self.rows["indikator"]:
            if row["kind"] == "ikk" and row["kode_rekening"]:
                key = {
                    "sasaran_id": row["sasaran_id"],
                    "kode_rekening": row["kode_rekening"],
                    "source_table": "Perjanjian Kinerja",
                }
                if key not in self.rows["sasaran_kegiatan"]:
                    self.rows["sasaran_kegiatan"].append(key)

    def _t_belanja_jenis(self) -> None:
        r = self.r
        leaves = [x for x in self.rows["anggaran"] if x["kode_rekening"] in self.leaf_codes]
        pagu = sum(x["pagu_rp"] or 0 for x in leaves)
        real = sum(x["realisasi_rp"] or 0 for x in leaves)
        share = r.uniform(0.4, 0.7)
        modal = r.uniform(0, 0.15) if r.random() < 0.6 else 0.0
        parts = [
            ("belanja-pegawai", "belanja-operasi", "1", "Belanja Pegawai", share),
            ("belanja-barang-jasa", "belanja-operasi", "2", "Belanja Barang dan Jasa", 1 - share - modal),
        ]
        rows = self.rows["belanja_jenis"]
        rows.append({"jenis_id": "belanja-operasi", "parent_id": None, "nomor": "I", "uraian": "Belanja Operasi"})
        if modal:
            parts.append(("belanja-modal-peralatan", "belanja-modal", "1", "Belanja Modal Peralatan dan Mesin", modal))
            rows.append({"jenis_id": "belanja-modal", "parent_id": None, "nomor": "II", "uraian": "Belanja Modal"})
        for jid, parent, nomor, name, f in parts:
            rows.append(
                {
                    "jenis_id": jid,
                    "parent_id": parent,
                    "nomor": nomor,
                    "uraian": name,
                    "anggaran_rp": _rp(pagu * f),
                    "realisasi_rp": _rp(real * f),
                }
            )

    def _t_capaian_historis(self) -> None:
        pass  # filled with the history in values(); dropped below when the table is not in the shape

    def _kabupaten_names(self, n: int) -> list[str]:
        names = {f"{a} {b}" for a in _PLACE_A for b in _PLACE_B}
        return self.r.sample(sorted(names), n)

    def _t_wilayah(self) -> None:
        r = self.r
        self.kabupaten = self._kabupaten_names(r.randint(3, 12))
        for n, k in enumerate(self.kabupaten, 1):
            self.rows["wilayah"].append(
                {
                    "nomor": n,
                    "kabupaten": k,
                    "jumlah_kecamatan": r.randint(5, 30),
                    "jumlah_desa": r.randint(40, 300),
                    "jumlah_kelurahan": r.randint(0, 40),
                }
            )

    def _t_unit_organisasi(self) -> None:
        r = self.r
        rows = self.rows["unit_organisasi"]
        rows.append(
            {"unit_id": "kepala", "parent_id": None, "unit_type": "kepala", "name": "Kepala Dinas", "in_struktur": True}
        )
        rows.append(
            {
                "unit_id": "sekretariat",
                "parent_id": "kepala",
                "unit_type": "sekretariat",
                "name": "Sekretariat",
                "in_struktur": True,
            }
        )
        for n, name in enumerate(
            r.sample(
                ["Sub Bagian Umum dan Kepegawaian", "Sub Bagian Keuangan", "Sub Bagian Perencanaan dan Pelaporan"],
                r.randint(1, 3),
            ),
            1,
        ):
            rows.append(
                {
                    "unit_id": f"subbag-{n}",
                    "parent_id": "sekretariat",
                    "unit_type": "sub_bagian",
                    "name": name,
                    "in_struktur": True,
                }
            )
        for b, objek in enumerate(r.sample(self.theme["objek"], min(len(self.theme["objek"]), r.randint(2, 4))), 1):
            rows.append(
                {
                    "unit_id": f"bidang-{b}",
                    "parent_id": "kepala",
                    "unit_type": "bidang",
                    "name": f"Bidang {objek.title()}",
                    "in_struktur": True,
                }
            )
            for k in range(1, r.randint(0, 2) + 1):
                rows.append(
                    {
                        "unit_id": f"bidang-{b}-{k}",
                        "parent_id": f"bidang-{b}",
                        "unit_type": "sub_koordinator",
                        "name": f"Sub Koordinator {r.choice(_KEGIATAN_VERB)} {objek.title()}",
                        "in_struktur": True,
                    }
                )
        if r.random() < 0.4:
            rows.append(
                {
                    "unit_id": "upt-1",
                    "parent_id": "kepala",
                    "unit_type": "penempatan",
                    "name": f"UPT {r.choice(self.theme['objek']).title()}",
                    "in_struktur": False,
                }
            )

    def _t_pegawai_total(self) -> None:
        r = self.r
        self.totals = {"pns": r.randint(20, 400)}
        if r.random() < 0.7:
            self.totals["tenaga_kontrak"] = r.randint(5, 120)
        for status, n in self.totals.items():
            self.rows["pegawai_total"].append({"status": status, "jumlah": n, "source_section": "Bab I"})

    def _t_pegawai(self) -> None:
        r = self.r
        units = [u["unit_id"] for u in self.rows["unit_organisasi"]]
        self.rows["pegawai"].append(
            {"status": "pns", "unit_id": "kepala", "jabatan": "Kepala Dinas", "jumlah": 1, "source_section": "Bab I"}
        )
        self.rows["pegawai"].append(
            {"status": "pns", "unit_id": "sekretariat", "jabatan": "Sekretaris", "jumlah": 1, "source_section": "Bab I"}
        )
        for u in units:
            if u.startswith("bidang-") and u.count("-") == 1:
                self.rows["pegawai"].append(
                    {"status": "pns", "unit_id": u, "jabatan": "Kepala Bidang", "jumlah": 1, "source_section": "Bab I"}
                )
        left = self.totals["pns"] - sum(p["jumlah"] for p in self.rows["pegawai"])
        if left > 0:
            self.rows["pegawai"].append(
                {
                    "status": "pns",
                    "unit_id": "sekretariat",
                    "jabatan": "Pelaksana",
                    "jumlah": r.randint(0, left),
                    "source_section": "Bab I",
                }
            )
        if "tenaga_kontrak" in self.totals:
            k = self.totals["tenaga_kontrak"]
            place = r.choice(units)
            first = r.randint(0, k)
            self.rows["pegawai"].append(
                {
                    "status": "tenaga_kontrak",
                    "unit_id": "sekretariat",
                    "jabatan": "Tenaga Kontrak Daerah",
                    "jumlah": first,
                    "source_section": "Bab I",
                }
            )
            if place != "sekretariat":
                self.rows["pegawai"].append(
                    {
                        "status": "tenaga_kontrak",
                        "unit_id": place,
                        "jabatan": "Tenaga Kontrak Daerah",
                        "jumlah": r.randint(0, k - first),
                        "source_section": "Bab I",
                    }
                )

    def _t_lomba_desa(self) -> None:
        r = self.r
        places = getattr(self, "kabupaten", None) or self._kabupaten_names(3)
        for n in range(1, r.randint(1, 3) + 1):
            self.rows["lomba_desa"].append(
                {
                    "peringkat": n,
                    "kategori": f"Juara {'I' * n}",
                    "desa": f"{r.choice(_DESA_A)} {r.choice(_DESA_B)}",
                    "kecamatan": f"{r.choice(_PLACE_A)} {r.choice(_DESA_B)}",
                    "kabupaten": r.choice(places),
                    "source_section": "Bab III",
                }
            )

    def _t_hadiah_lomba_pkk(self) -> None:
        prizes = sorted((_rp(self.r.uniform(1e6, 1e7)) for _ in range(3)), reverse=True)
        for n, p in enumerate(prizes, 1):
            self.rows["hadiah_lomba_pkk"].append(
                {"peringkat": n, "kategori": f"Juara {'I' * n}", "hadiah_rp": p, "source_section": "Bab III"}
            )

    def _t_narasi(self) -> None:
        r = self.r
        rows = self.rows["narasi"]
        below = [
            i
            for i, (t, x) in self.pk.items()
            if i in self.iku and x is not None and capaian(x, t, self.specs[i][1], self.s.lower_formula) < 100
        ]
        ind = {i["indikator_id"]: i for i in self.rows["indikator"]}
        for iid in below[:4]:
            objek = r.choice(self.theme["objek"])
            rows.append(
                {
                    "narasi_id": f"n{len(rows) + 1:02d}",
                    "section": "Bab III",
                    "kind": "penyebab_kendala",
                    "sasaran_id": ind[iid]["sasaran_id"],
                    "indikator_id": iid,
                    "text": f"Keterbatasan anggaran dan tenaga pendukung untuk {objek}",
                }
            )
            rows.append(
                {
                    "narasi_id": f"n{len(rows) + 1:02d}",
                    "section": "Bab III",
                    "kind": "rencana_perbaikan",
                    "sasaran_id": ind[iid]["sasaran_id"],
                    "indikator_id": iid,
                    "text": f"Memperkuat koordinasi lintas perangkat daerah dalam {objek}",
                }
            )
        rows.append(
            {
                "narasi_id": f"n{len(rows) + 1:02d}",
                "section": "Bab III",
                "kind": "faktor_pendukung",
                "sasaran_id": self.strategis[0],
                "indikator_id": None,
                "text": "Dukungan pemerintah daerah dan peran aktif masyarakat",
            }
        )
        rows.append(
            {
                "narasi_id": f"n{len(rows) + 1:02d}",
                "section": "Bab IV",
                "kind": "saran",
                "sasaran_id": None,
                "indikator_id": None,
                "text": "Perlu penajaman indikator kinerja pada perubahan Renstra berikutnya",
            }
        )

    def _t_profil(self) -> None:
        """The agency's own texts for Bab I, II and IV (invented, clearly generic)."""
        agency, region = self.theme["agency"], self.region
        texts = [
            (
                "latar_belakang",
                f"{agency} {region} menyusun laporan kinerja sebagai wujud akuntabilitas tahun {self.year}.",
            ),
            (
                "dasar_hukum",
                "Peraturan Presiden Nomor 29 Tahun 2014 tentang Sistem Akuntabilitas Kinerja Instansi Pemerintah",
            ),
            ("dasar_hukum", "Peraturan Menteri PANRB Nomor 53 Tahun 2014 tentang Petunjuk Teknis Perjanjian Kinerja"),
            ("tugas_fungsi", f"{agency} melaksanakan urusan pemerintahan yang menjadi kewenangan daerah di bidangnya."),
            ("isu_strategis", f"Pemerataan layanan {self.r.choice(self.theme['objek'])} di seluruh wilayah"),
            ("visi", f"Terwujudnya {region} yang maju dan sejahtera"),
            ("misi", "Meningkatkan mutu pelayanan publik"),
            ("misi", "Memperkuat tata kelola pemerintahan"),
            ("tujuan", "Meningkatnya kualitas pelayanan kepada masyarakat"),
        ]
        seen: dict[str, int] = {}
        for bagian, text in texts:
            seen[bagian] = seen.get(bagian, 0) + 1
            self.rows["profil"].append(
                {"bagian": bagian, "urutan": seen[bagian], "text": text, "source_section": "Bab I"}
            )

    def _t_pembanding(self) -> None:
        """A national figure for some IKU: the PK target moved a little (invented)."""
        for iid in [i for i in self.iku if self.pk.get(i, (None, None))[0] is not None][:2]:
            target = self.pk[iid][0]
            self.rows["pembanding"].append(
                {
                    "indikator_id": iid,
                    "year": self.year - 1,
                    "pembanding": "Rata-rata nasional",
                    "nilai": round(target * self.r.uniform(0.8, 1.1), 2),
                    "sumber": "data uji",
                }
            )

    def _t_nilai_tercetak(self) -> None:
        """Values printed by a careful report: computed here from the synthetic inputs, one perhaps mistyped."""
        rows = self.rows["nilai_tercetak"]
        for iid in self.iku:
            t, x = self.pk[iid]
            c = capaian(x, t, self.specs[iid][1], self.s.lower_formula)
            if c == c:
                rows.append(
                    _printed("Pengukuran Kinerja", "indikator", "capaian_pct", round(c, 2), self.year, indikator_id=iid)
                )
        leaves = {x["kode_rekening"]: x for x in self.rows["anggaran"] if x["kode_rekening"] in self.leaf_codes}
        if all(x["pagu_rp"] is not None and x["realisasi_rp"] is not None for x in leaves.values()):
            pagu = sum(x["pagu_rp"] for x in leaves.values())
            real = sum(x["realisasi_rp"] for x in leaves.values())
            rows.append(_printed("Ringkasan Eksekutif", "anggaran", "pagu_rp", pagu, self.year))
            rows.append(_printed("Ringkasan Eksekutif", "anggaran", "realisasi_rp", real, self.year))
            if pagu:
                rows.append(
                    _printed("Ringkasan Eksekutif", "anggaran", "serapan_pct", round(real / pagu * 100, 2), self.year)
                )
        rows.append(_printed("Ringkasan Eksekutif", "sasaran", "jumlah_sasaran", float(len(self.strategis)), self.year))
        if self.s.typo and rows:
            slip = self.r.choice([p for p in rows if p["metric"] == "capaian_pct"] or rows)
            text = slip["printed_text"]
            digits = [k for k, ch in enumerate(text) if ch.isdigit()]
            k = digits[0]
            wrong = text[:k] + str((int(text[k]) + self.r.randint(1, 8)) % 10 or 1) + text[k + 1 :]
            if wrong != text:
                slip.update(printed_text=wrong, value=float(wrong), note="sintetis: salah ketik disengaja")

    def metadata(self, label: str, number: int | None) -> dict:
        s = self.s
        agency = self.theme["agency"] + (f" (sintetis {number:03d})" if number is not None else " (sintetis)")
        final = self.year + s.rpjmd_after
        return {
            "dataset": {
                "id": self.id,
                "agency": agency,
                "agency_short": self.theme["short"],
                "region": self.region,
                "province": self.province,
                "year": self.year,
                "renstra_period": f"{final - 5}-{final}",
                "source_document": f"Data sintetis ({label or 'lkip synth'}) — bukan laporan sebenarnya",
                "synthetic": True,
                "status": "draft" if s.draft else "final",
            },
            "capaian": {
                "cap_pct": s.cap_pct,
                "average": s.average,
                "lower_formula": s.lower_formula,
                "scale": [{"min_pct": lo, "label": label_} for lo, label_ in SCALES[s.scale]],
            },
            "tables": {name: {"source": "sintetis"} for name in TABLES if TABLES[name].core or name in s.optional},
        }


def _unique(label: str, used: set[str]) -> str:
    """``label``, numbered when another indicator already carries it; remembered in ``used``.

    >>> used = {"Posyandu (desa)"}
    >>> _unique("Posyandu (desa)", used), _unique("Posyandu (desa)", used), _unique("Kader", used)
    ('Posyandu (desa) 2', 'Posyandu (desa) 3', 'Kader')
    """
    out, n = label, 1
    while out in used:
        n += 1
        out = f"{label} {n}"
    used.add(out)
    return out


def _printed(table: str, subject: str, metric: str, value: float, year: int, **ids: str) -> dict:
    """One printed value naming its subject in columns (see the nilai_tercetak schema)."""
    text = saving.canonical(value, "float")
    return {
        "report_table": table,
        "subject": subject,
        **ids,
        "metric": metric,
        "year": year,
        "printed_text": text,
        "value": float(text),
        "note": "sintetis",
    }


def generate(
    shape: Shape, rng: random.Random, ds_id: str, year: int = 2023, label: str = "", number: int | None = None
) -> tuple[dict[str, pd.DataFrame], dict]:
    """The tables (one DataFrame per table, absent optional tables omitted) and metadata of one dataset."""
    g = _Gen(shape, rng, ds_id, year)
    g.sasaran()
    g.indikator()
    g.values()
    g.anggaran()
    g.link_ikk()
    g.optional()
    tables = {}
    for name, table in TABLES.items():
        if not table.core and name not in shape.optional:
            continue
        df = pd.DataFrame(g.rows[name], columns=table.columns)
        tables[name] = df
    return tables, g.metadata(label, number)
