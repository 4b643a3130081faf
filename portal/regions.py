"""NRW's Kreise and kreisfreie Städte by Regierungsbezirk: the regions partners are found in."""

REGIERUNGSBEZIRKE: dict[str, list[tuple[str, str]]] = {
    # Regierungsbezirk: [(name, kind)] where kind is "kreis" or "stadt" (kreisfreie Stadt)
    "Arnsberg": [
        ("Bochum", "stadt"),
        ("Dortmund", "stadt"),
        ("Hagen", "stadt"),
        ("Hamm", "stadt"),
        ("Herne", "stadt"),
        ("Ennepe-Ruhr-Kreis", "kreis"),
        ("Hochsauerlandkreis", "kreis"),
        ("Märkischer Kreis", "kreis"),
        ("Kreis Olpe", "kreis"),
        ("Kreis Siegen-Wittgenstein", "kreis"),
        ("Kreis Soest", "kreis"),
        ("Kreis Unna", "kreis"),
    ],
    "Detmold": [
        ("Bielefeld", "stadt"),
        ("Kreis Gütersloh", "kreis"),
        ("Kreis Herford", "kreis"),
        ("Kreis Höxter", "kreis"),
        ("Kreis Lippe", "kreis"),
        ("Kreis Minden-Lübbecke", "kreis"),
        ("Kreis Paderborn", "kreis"),
    ],
    "Düsseldorf": [
        ("Düsseldorf", "stadt"),
        ("Duisburg", "stadt"),
        ("Essen", "stadt"),
        ("Krefeld", "stadt"),
        ("Mönchengladbach", "stadt"),
        ("Mülheim an der Ruhr", "stadt"),
        ("Oberhausen", "stadt"),
        ("Remscheid", "stadt"),
        ("Solingen", "stadt"),
        ("Wuppertal", "stadt"),
        ("Kreis Kleve", "kreis"),
        ("Kreis Mettmann", "kreis"),
        ("Rhein-Kreis Neuss", "kreis"),
        ("Kreis Viersen", "kreis"),
        ("Kreis Wesel", "kreis"),
    ],
    "Köln": [
        ("Bonn", "stadt"),
        ("Köln", "stadt"),
        ("Leverkusen", "stadt"),
        ("Städteregion Aachen", "kreis"),
        ("Kreis Düren", "kreis"),
        ("Rhein-Erft-Kreis", "kreis"),
        ("Kreis Euskirchen", "kreis"),
        ("Kreis Heinsberg", "kreis"),
        ("Oberbergischer Kreis", "kreis"),
        ("Rheinisch-Bergischer Kreis", "kreis"),
        ("Rhein-Sieg-Kreis", "kreis"),
    ],
    "Münster": [
        ("Bottrop", "stadt"),
        ("Gelsenkirchen", "stadt"),
        ("Münster", "stadt"),
        ("Kreis Borken", "kreis"),
        ("Kreis Coesfeld", "kreis"),
        ("Kreis Recklinghausen", "kreis"),
        ("Kreis Steinfurt", "kreis"),
        ("Kreis Warendorf", "kreis"),
    ],
}

REGIERUNGSBEZIRK_OF: dict[str, str] = {
    name: bezirk for bezirk, regions in REGIERUNGSBEZIRKE.items() for name, _kind in regions
}


def region_choices() -> list[tuple[str, str]]:
    """Kreise and kreisfreie Städte, alphabetically, for a select field."""
    return sorted(((name, name) for name in REGIERUNGSBEZIRK_OF), key=lambda c: c[1])
