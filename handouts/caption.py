"""A plain-words caption from the header ("CT scan of the chest"): modality and body part only."""

from __future__ import annotations

from pydicom.dataset import Dataset

MODALITY_WORDS: dict[str, str] = {
    "CT": "CT scan", "MR": "MRI scan", "US": "Ultrasound scan", "CR": "X-ray", "DX": "X-ray",
    "DR": "X-ray", "RF": "X-ray video (fluoroscopy)", "XA": "X-ray of the blood vessels (angiogram)",
    "MG": "Mammogram", "NM": "Nuclear medicine scan", "PT": "PET scan", "OT": "Image",
    "SC": "Image", "ES": "Endoscopy image", "XC": "Photograph", "IO": "Dental X-ray",
    "PX": "Dental panoramic X-ray", "OP": "Eye photograph", "OPT": "Eye scan (OCT)",
    "BMD": "Bone density scan", "RTDOSE": "Radiotherapy dose map", "RTIMAGE": "Radiotherapy image",
}

BODY_PART_WORDS: dict[str, str] = {
    "CHEST": "the chest", "ABDOMEN": "the abdomen (belly)", "PELVIS": "the pelvis",
    "HEAD": "the head", "BRAIN": "the brain", "NECK": "the neck", "SKULL": "the skull",
    "CSPINE": "the neck spine", "TSPINE": "the upper back spine", "LSPINE": "the lower back spine",
    "SPINE": "the spine", "HEART": "the heart", "LIVER": "the liver", "KIDNEY": "the kidney",
    "BREAST": "the breast", "KNEE": "the knee", "HIP": "the hip", "SHOULDER": "the shoulder",
    "HAND": "the hand", "FOOT": "the foot", "ANKLE": "the ankle", "WRIST": "the wrist",
    "ELBOW": "the elbow", "THYROID": "the thyroid", "PROSTATE": "the prostate", "UTERUS": "the womb",
    "ABDOMENPELVIS": "the abdomen and pelvis", "CHESTABDOMEN": "the chest and abdomen",
    "LUNG": "the lungs", "EXTREMITY": "the arm or leg", "LEG": "the leg", "ARM": "the arm",
}


def describe(ds: Dataset) -> str:
    """A short plain caption from Modality and Body Part Examined (never an identifying value)."""
    modality = str(ds.get("Modality", "") or "").strip().upper()
    body = str(ds.get("BodyPartExamined", "") or "").strip().upper().replace(" ", "")
    words = MODALITY_WORDS.get(modality, "Medical image")
    part = BODY_PART_WORDS.get(body)
    return f"{words} of {part}" if part else words
