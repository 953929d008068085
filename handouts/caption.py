"""A plain-words caption from the header ("CT scan of the chest"): modality and body part only.

Only Modality and Body Part Examined are read (coded values looked up in the tables below), so a
caption can never carry an identifying value.
"""

from __future__ import annotations

from pydicom.dataset import Dataset

from takehome.handouts.i18n import DEFAULT_LANGUAGE, N_, translator

MODALITY_WORDS: dict[str, str] = {
    "CT": N_("CT scan"), "MR": N_("MRI scan"), "US": N_("Ultrasound scan"), "CR": N_("X-ray"),
    "DX": N_("X-ray"), "DR": N_("X-ray"), "RF": N_("X-ray video (fluoroscopy)"),
    "XA": N_("X-ray of the blood vessels (angiogram)"), "MG": N_("Mammogram"),
    "NM": N_("Nuclear medicine scan"), "PT": N_("PET scan"), "OT": N_("Image"), "SC": N_("Image"),
    "ES": N_("Endoscopy image"), "XC": N_("Photograph"), "IO": N_("Dental X-ray"),
    "PX": N_("Dental panoramic X-ray"), "OP": N_("Eye photograph"), "OPT": N_("Eye scan (OCT)"),
    "BMD": N_("Bone density scan"), "RTDOSE": N_("Radiotherapy dose map"),
    "RTIMAGE": N_("Radiotherapy image"),
}

UNKNOWN_MODALITY = N_("Medical image")

#: "of the ..." phrases, so languages can contract the article (Spanish "del tórax").
BODY_PART_WORDS: dict[str, str] = {
    "CHEST": N_("of the chest"), "THORAX": N_("of the chest"), "ABDOMEN": N_("of the abdomen (belly)"),
    "PELVIS": N_("of the pelvis"), "HEAD": N_("of the head"), "BRAIN": N_("of the brain"),
    "NECK": N_("of the neck"), "SKULL": N_("of the skull"), "CSPINE": N_("of the neck spine"),
    "TSPINE": N_("of the upper back spine"), "LSPINE": N_("of the lower back spine"),
    "SPINE": N_("of the spine"), "HEART": N_("of the heart"), "LIVER": N_("of the liver"),
    "KIDNEY": N_("of the kidney"), "BREAST": N_("of the breast"), "KNEE": N_("of the knee"),
    "HIP": N_("of the hip"), "SHOULDER": N_("of the shoulder"), "HAND": N_("of the hand"),
    "FOOT": N_("of the foot"), "ANKLE": N_("of the ankle"), "WRIST": N_("of the wrist"),
    "ELBOW": N_("of the elbow"), "THYROID": N_("of the thyroid"), "PROSTATE": N_("of the prostate"),
    "UTERUS": N_("of the womb"), "ABDOMENPELVIS": N_("of the abdomen and pelvis"),
    "CHESTABDOMEN": N_("of the chest and abdomen"), "LUNG": N_("of the lungs"),
    "EXTREMITY": N_("of the arm or leg"), "LEG": N_("of the leg"), "ARM": N_("of the arm"),
}


def describe(ds: Dataset, language: str = DEFAULT_LANGUAGE) -> str:
    """A short plain caption from Modality and Body Part Examined (never an identifying value)."""
    tr = translator(language)
    modality = str(ds.get("Modality", "") or "").strip().upper()
    body = str(ds.get("BodyPartExamined", "") or "").strip().upper().replace(" ", "").replace("_", "")
    words = tr.gettext(MODALITY_WORDS.get(modality, UNKNOWN_MODALITY))
    part = BODY_PART_WORDS.get(body)
    if part is None:
        return words
    return tr.gettext("{modality} {of_body_part}").format(modality=words, of_body_part=tr.gettext(part))
