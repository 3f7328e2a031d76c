"""Evidence you can trust: perceptual fingerprints and the checks built on them (pure)."""

from merch.evidence.fingerprints import (
    CORE_MARGIN,
    Analysis,
    Fingerprint,
    Match,
    Probe,
    analyse,
    fingerprint,
    hamming,
    nearest,
    probe,
    unsigned,
    warm_up,
    window_similarity,
)

__all__ = [
    "CORE_MARGIN",
    "Analysis",
    "analyse",
    "Fingerprint",
    "Match",
    "Probe",
    "fingerprint",
    "hamming",
    "nearest",
    "probe",
    "unsigned",
    "warm_up",
    "window_similarity",
]
