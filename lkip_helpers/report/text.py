"""Small text helpers for labels."""


def label(name: str) -> str:
    """Sentence case for names printed in capitals (program names); others unchanged.

    >>> label("PROGRAM PENINGKATAN GIZI MASYARAKAT"), label("Pelatihan Kader Posyandu")
    ('Program peningkatan gizi masyarakat', 'Pelatihan Kader Posyandu')
    """
    name = str(name)
    return name.capitalize() if name.isupper() else name
