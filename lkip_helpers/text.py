"""Small text helpers for labels."""


def label(name: str) -> str:
    """Sentence case for names printed in capitals (program names); others unchanged.

    >>> label("PROGRAM PENATAAN DESA"), label("Fasilitasi Tim Penggerak PKK")
    ('Program penataan desa', 'Fasilitasi Tim Penggerak PKK')
    """
    name = str(name)
    return name.capitalize() if name.isupper() else name
