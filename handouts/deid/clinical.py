"""Numbers in clinical context, which look like dates, codes or record numbers but identify no one.

"BI-RADS 3", "T2N0M0", "9/10/11 ribs", "10-12-15 mm", "25000 International Units", "platelets
250000", "viral load 1200000 copies/mL", "Gleason 3+4", "levels C5-C6": a number is clinical when
a unit, an anatomical list word or a count follows it, or a score, stage, level or lab name comes
right before it. Identifier patterns drop such spans.
"""

from __future__ import annotations

import re

#: Units, counts and anatomical list words that follow a clinical number.
_AFTER = re.compile(
    r"^\s*(?:x\s*10\s*\^?\s*\d+\s*/\s*\w+|"
    r"(?:mm|cm|m|µm|um|ml|mL|l|dl|mg|g|kg|mcg|µg|ug|ng|pg|mmol|µmol|umol|mol|meq|mEq|iu|IU|ui|UI|u|units?|"
    r"international\s+units?|unidades(?:\s+internacionales)?|copies|copias|cells|células|celulas|"
    r"platelets?|plaquetas|/\s*(?:mm3|µl|ul|ml|l|dl|hpf)|mm3|µl|hu|HU|uh|msv|mgy|gy|cgy|bq|mbq|mci|"
    r"mhz|khz|hz|ms|sec|s|min|h|hrs?|days?|días|dias|weeks?|semanas|months?|meses|years?|años|"
    r"y/o|yo|%|percent|por\s+ciento|bpm|lpm|mmhg|kpa|cmh2o|fr|french|gauge|g|ga|"
    r"ribs?|costillas?|vertebrae|vertebras|vértebras|levels?|niveles?|segments?|segmentos?|"
    r"o['’]?clock|horas|cycles?|ciclos?|doses?|dosis|fractions?|fracciones|sessions?|sesiones|"
    r"lesions?|lesiones|nodules?|nódulos|nodulos|times|veces|tablets?|comprimidos?|puffs?|drops?|"
    r"gotas|mSv|mGy|mA|kV|kVp|T|tesla)(?![\w]))",
    re.IGNORECASE)
#: Scores, stages, levels, lab names and list words that come right before a clinical number.
_BEFORE = re.compile(
    r"(?<![\w-])(?:(?:bi|ti|pi|li|o|c|lung)-?rads|gleason|isup|figo|stage|estadio|grade|grado|score|puntuación|"
    r"level|nivel|levels|niveles|segments?|segmentos?|ribs?|costillas?|vertebrae|vértebras|vertebras|"
    r"platelets?|plaquetas|plt|wbc|rbc|leucocitos|leukocytes|neutrophils|neutrófilos|lymphocytes|"
    r"linfocitos|hb|hgb|haemoglobin|hemoglobin|hemoglobina|psa|cea|ca\s?-?\s?125|ca\s?-?\s?19-9|afp|"
    r"crp|pcr|inr|egfr|creatinine|creatinina|glucose|glucosa|viral\s+load|carga\s+viral|cd4|ldh|"
    r"count|recuento|dose|dosis|dosage|units|unidades|iu|ui|ef|fevi|lvef|suv(?:max)?|hu|adc|"
    r"kv|mas|ctdi(?:vol)?|dlp|birads|tirads|pirads|lirads|bosniak|fazekas|ecog|nyha|glasgow|gcs|"
    r"apgar|meld|child-pugh|cha2ds2-vasc|tnm|series|serie|image|imagen|slice|corte|cycle|ciclo|"
    r"week|semana|day|día|dia|page|página|pagina|room|bed|cama|version|versión|sizes?|tamaños?|"
    r"measures?|measuring|measured|mide|medidas?)"
    r"\s*(?:of|de|was|is|=|:|count|was\s+about|of\s+about|approx\.?|aprox\.?|around)?\s*$",
    re.IGNORECASE)
#: TNM staging written without spaces (T2N0M0, pT1cN1aM0, ypT0N0).
TNM = re.compile(r"(?<![\w])(?:[cpyra]{0,3})T(?:[0-4x]|is)[a-d]?(?:\([^)]*\))?N[0-3x][a-c]?M[01x][a-c]?"
                 r"(?![\w])", re.IGNORECASE)


def is_clinical_number(text: str, start: int, end: int) -> bool:
    """Whether the numeric span ``[start, end)`` of ``text`` is a clinical value, stage, list or range."""
    if TNM.fullmatch(text[start:end].strip()):
        return True
    if not text[start:end][:1].isdigit():
        return False
    if _AFTER.match(text[end:end + 40]):
        return True
    clause = re.split(r"[.;\n]|,\s", text[max(0, start - 40):start])[-1]
    return bool(_BEFORE.search(clause))
