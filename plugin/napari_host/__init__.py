"""takehome inside napari: the npe2 reader for DICOM files and folders, and the docked panel.

The manifest is ``takehome.plugin:napari.yaml`` (plugin name ``takehome``).
"""

from __future__ import annotations
